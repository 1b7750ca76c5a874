// Reads for the admin API: one job, a filtered page (newest first) with its total, counts.
// The status is written into the SQL as a literal (it is checked against QUEUE_STATUSES first):
// SQLite only uses a partial index (WHERE status = 'failed') when the query names the same value,
// never for a bound parameter. See the index comments in src/db/migrations/002-queue.ts.
import type { Db } from '../open.ts';
import { QUEUE_STATUSES, type ListFilter, type QueueCounts, type QueueJobStatus } from '../../../queue/types.ts';
import type { JobRow } from '../../job-rows.ts';
import { stmt } from '../statements.ts';

export function jobById(db: Db, id: string): JobRow | undefined {
  return stmt(db, `SELECT * FROM nightshift_queue_jobs WHERE id = ?`).get(id) as JobRow | undefined;
}

export function progressRow(db: Db, id: string): Pick<JobRow, 'id' | 'status' | 'processed_items' | 'total_items'> | undefined {
  return stmt(db, `SELECT id, status, processed_items, total_items FROM nightshift_queue_jobs WHERE id = ?`).get(id) as never;
}

function statusTerm(status: QueueJobStatus): string {
  if (!QUEUE_STATUSES.includes(status)) throw new Error(`Unknown status "${status}"`);
  return `status = '${status}'`;
}

export function listJobs(db: Db, filter: ListFilter): { rows: JobRow[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) where.push(statusTerm(filter.status));
  // Processing rows are few but can sit behind a long pending backlog in id order: use their index.
  const from = filter.status === 'processing' && !filter.type ? 'nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases' : 'nightshift_queue_jobs';
  if (filter.type) (where.push('type = ?'), params.push(filter.type));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Ids are UUIDv7, so id order is creation order: newest first is id DESC.
  const rows = stmt(db, `SELECT * FROM ${from} ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...params, filter.limit, filter.offset ?? 0) as JobRow[];
  const { total } = stmt(db, `SELECT count(*) AS total FROM nightshift_queue_jobs ${clause}`).get(...params) as { total: number };
  return { rows, total };
}

/** Jobs per status. Every status but 'completed' is counted on its own (small) index. */
export function countByStatus(db: Db): QueueCounts {
  const count = (sql: string) => (stmt(db, sql).get() as { n: number }).n;
  const counts = {} as QueueCounts;
  for (const status of QUEUE_STATUSES) if (status !== 'completed') counts[status] = count(`SELECT count(*) AS n FROM nightshift_queue_jobs WHERE ${statusTerm(status)}`);
  const others = counts.pending + counts.processing + counts.failed + counts.cancelled;
  counts.completed = count(`SELECT count(*) AS n FROM nightshift_queue_jobs`) - others;
  return { pending: counts.pending, processing: counts.processing, completed: counts.completed, failed: counts.failed, cancelled: counts.cancelled };
}

/**
 * Jobs per type and status (the dashboard's overview). Totals per type come from the type index;
 * the unfinished and rare statuses from their partial indexes; completed is what is left, so no
 * query reads every row.
 */
export function countByTypeAndStatus(db: Db): Map<string, QueueCounts> {
  const byType = new Map<string, QueueCounts>();
  const entry = (type: string) => {
    let counts = byType.get(type);
    if (!counts) byType.set(type, (counts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 }));
    return counts;
  };
  const totals = stmt(db, `SELECT type, count(*) AS n FROM nightshift_queue_jobs GROUP BY type`).all() as { type: string; n: number }[];
  for (const { type, n } of totals) entry(type).completed = n;
  for (const status of QUEUE_STATUSES) {
    if (status === 'completed') continue;
    // GROUP BY +type: without the unary plus SQLite (lacking ANALYZE statistics) groups along the
    // type index and reads every row to check its status, instead of the small partial index.
    const rows = stmt(db, `SELECT type, count(*) AS n FROM nightshift_queue_jobs WHERE ${statusTerm(status)} GROUP BY +type`).all() as { type: string; n: number }[];
    for (const { type, n } of rows) {
      const counts = entry(type);
      counts[status] = n;
      counts.completed -= n;
    }
  }
  return byType;
}
