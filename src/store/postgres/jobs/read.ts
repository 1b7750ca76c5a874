// Reads for the admin API: one job, a filtered page (newest first) with its total, counts.
// A status filter is written into the SQL as a literal (checked against QUEUE_STATUSES first): the
// planner matches a partial index (WHERE status = 'failed') only against a literal, and the
// statements are prepared, whose generic plans never see a parameter's value.
import { QUEUE_STATUSES, type ListFilter, type QueueCounts, type QueueJobStatus } from '../../../queue/types.ts';
import type { JobRow } from '../../job-rows.ts';
import type { Db } from '../db.ts';

export async function jobById(db: Db, id: string): Promise<JobRow | undefined> {
  return db.row<JobRow>(`SELECT * FROM ns.queue_jobs WHERE id = $1`, [id]);
}

export async function progressRow(db: Db, id: string): Promise<Pick<JobRow, 'id' | 'status' | 'processed_items' | 'total_items'> | undefined> {
  return db.row(`SELECT id, status, processed_items, total_items FROM ns.queue_jobs WHERE id = $1`, [id]);
}

function statusTerm(status: QueueJobStatus): string {
  if (!QUEUE_STATUSES.includes(status)) throw new Error(`Unknown status "${status}"`);
  return `status = '${status}'`;
}

/**
 * Pending jobs sit on two partial indexes (ready: due, waiting: NOT due; see claim.ts), and a
 * partial index serves only a query that implies its whole condition: so pending jobs are counted
 * as the sum of the two halves, each on its index.
 */
const PENDING_HALVES = ['due', 'NOT due'];

async function countWhere(db: Db, where: readonly string[], params: readonly unknown[]): Promise<number> {
  const count = async (terms: readonly string[]) =>
    (await db.row<{ n: number }>(`SELECT count(*) AS n FROM ns.queue_jobs ${terms.length ? `WHERE ${terms.join(' AND ')}` : ''}`, params))!.n;
  if (!where.includes(statusTerm('pending'))) return count(where);
  let sum = 0;
  for (const half of PENDING_HALVES) sum += await count([...where, half]);
  return sum;
}

export async function listJobs(db: Db, filter: ListFilter): Promise<{ rows: JobRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) where.push(statusTerm(filter.status));
  if (filter.type) (params.push(filter.type), where.push(`type = $${params.length}`));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Ids are UUIDv7 (COLLATE "C"), so id order is creation order: newest first is id DESC.
  const n = params.length;
  const rows = await db.rows<JobRow>(`SELECT * FROM ns.queue_jobs ${clause} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [
    ...params,
    filter.limit,
    filter.offset ?? 0,
  ]);
  return { rows, total: await countWhere(db, where, params) };
}

const emptyCounts = (): QueueCounts => ({ pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });

/**
 * Jobs per type and status in one pass (the dashboard's overview and the depth gauges). It reads
 * the whole table, as any exact count of completed jobs must; retention keeps that bounded.
 */
export async function countByTypeAndStatus(db: Db): Promise<Map<string, QueueCounts>> {
  const rows = await db.rows<{ type: string; status: QueueJobStatus; n: number }>(
    `SELECT type, status, count(*) AS n FROM ns.queue_jobs GROUP BY type, status`,
  );
  const byType = new Map<string, QueueCounts>();
  for (const { type, status, n } of rows) {
    let counts = byType.get(type);
    if (!counts) byType.set(type, (counts = emptyCounts()));
    counts[status] = n;
  }
  return byType;
}

/** Jobs per status (one pass, as above). */
export async function countByStatus(db: Db): Promise<QueueCounts> {
  const counts = emptyCounts();
  for (const { status, n } of await db.rows<{ status: QueueJobStatus; n: number }>(`SELECT status, count(*) AS n FROM ns.queue_jobs GROUP BY status`)) {
    counts[status] = n;
  }
  return counts;
}
