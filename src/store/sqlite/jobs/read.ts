// Reads for the admin API: one job, a filtered page (newest first) with its total, counts.
// The status is written into the SQL as a literal (it is checked against QUEUE_STATUSES first):
// SQLite only uses a partial index (WHERE status = 'failed') when the query names the same value,
// never for a bound parameter. See the index comments in src/store/sqlite/migrations/.
import type { Db } from '../open.ts';
import { QUEUE_STATUSES, type ListFilter, type QueueCounts, type QueueJobStatus } from '../../../queue/types.ts';
import type { JobRow } from '../../job-rows.ts';
import { LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES, type ListedQueueJob } from '../../list-bounds.ts';
import { toListedJob, type ListJobRow } from '../../listed-rows.ts';
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

/**
 * A list row: the small columns as they are; payload, result, error_log and last_error whole only
 * up to LIST_VALUE_MAX_BYTES, else their size (octet_length reads the record header, not the
 * text) and a short prefix, so a page of large payloads never brings them into JavaScript.
 */
const MAX = LIST_VALUE_MAX_BYTES;
const bounded = (col: string) =>
  `octet_length(${col}) AS ${col}_bytes, CASE WHEN octet_length(${col}) <= ${MAX} THEN ${col} ELSE substr(${col}, 1, ${LIST_PREVIEW_CHARS}) END AS ${col}`;
const LIST_COLUMNS = [
  'id, type, status, tenant_id, actor_id, trace_id, request_id, priority, run_at, attempts, max_attempts',
  'lease_token, lease_expires_at, lease_owner, run_id, cancel_requested, processed_items, total_items',
  'idempotency_key, created_by, created_at, started_at, completed_at, updated_at',
  bounded('payload'),
  bounded('result'),
  bounded('last_error'),
  `octet_length(error_log) AS error_log_bytes, CASE WHEN octet_length(error_log) <= ${MAX} THEN error_log END AS error_log`,
  // Too large to show whole: the newest entry alone, its message cut in SQL.
  `CASE WHEN octet_length(error_log) > ${MAX} THEN json_extract(error_log, '$[#-1].at') END AS newest_at`,
  `CASE WHEN octet_length(error_log) > ${MAX} THEN json_extract(error_log, '$[#-1].attempt') END AS newest_attempt`,
  `CASE WHEN octet_length(error_log) > ${MAX} THEN octet_length(json_extract(error_log, '$[#-1].message')) END AS newest_message_bytes`,
  `CASE WHEN octet_length(error_log) > ${MAX} THEN substr(json_extract(error_log, '$[#-1].message'), 1, ${LIST_PREVIEW_CHARS}) END AS newest_message`,
].join(', ');

/** A filtered page, newest first, values bounded as above (see src/store/list-bounds.ts). */
export function listJobs(db: Db, filter: ListFilter): { jobs: ListedQueueJob[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) where.push(statusTerm(filter.status));
  // Processing rows are few but can sit behind a long pending backlog in id order: use their index.
  const from = filter.status === 'processing' && !filter.type ? 'nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_expired_leases' : 'nightshift_queue_jobs';
  if (filter.type) (where.push('type = ?'), params.push(filter.type));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Ids are UUIDv7, so id order is creation order: newest first is id DESC.
  const rows = stmt(db, `SELECT ${LIST_COLUMNS} FROM ${from} ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`).all(...params, filter.limit, filter.offset ?? 0) as ListJobRow[];
  return { jobs: rows.map(toListedJob), total: countWhere(db, where, params) };
}

/**
 * Pending jobs sit on two partial indexes (ready: due = 1, waiting: due = 0; see claim.ts), and
 * SQLite uses a partial index only when the query names its whole condition: so pending is
 * counted as the sum of the two halves, each on its index.
 */
const PENDING_HALVES = ['due = 1', 'due = 0'];

function countWhere(db: Db, where: readonly string[], params: readonly unknown[]): number {
  const count = (terms: readonly string[]) =>
    (stmt(db, `SELECT count(*) AS n FROM nightshift_queue_jobs ${terms.length ? `WHERE ${terms.join(' AND ')}` : ''}`).get(...params) as { n: number }).n;
  if (!where.includes(statusTerm('pending'))) return count(where);
  return PENDING_HALVES.reduce((sum, half) => sum + count([...where, half]), 0);
}

/** Jobs per status. Every status but 'completed' is counted on its own (small) indexes. */
export function countByStatus(db: Db): QueueCounts {
  const counts = {} as QueueCounts;
  for (const status of QUEUE_STATUSES) if (status !== 'completed') counts[status] = countWhere(db, [statusTerm(status)], []);
  const others = counts.pending + counts.processing + counts.failed + counts.cancelled;
  counts.completed = countWhere(db, [], []) - others;
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
    const halves = status === 'pending' ? PENDING_HALVES.map((half) => ` AND ${half}`) : [''];
    const rows = halves.flatMap(
      (half) => stmt(db, `SELECT type, count(*) AS n FROM nightshift_queue_jobs WHERE ${statusTerm(status)}${half} GROUP BY +type`).all() as { type: string; n: number }[],
    );
    for (const { type, n } of rows) {
      const counts = entry(type);
      counts[status] += n;
      counts.completed -= n;
    }
  }
  return byType;
}
