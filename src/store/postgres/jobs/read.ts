// Reads for the admin API: one job, a filtered page (newest first) with its total, counts.
// A status filter is written into the SQL as a literal (checked against QUEUE_STATUSES first): the
// planner matches a partial index (WHERE status = 'failed') only against a literal, and the
// statements are prepared, whose generic plans never see a parameter's value.
import { QUEUE_STATUSES, type ListFilter, type QueueCounts, type QueueJobStatus } from '../../../queue/types.ts';
import type { JobRow } from '../../job-rows.ts';
import { LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES, type ListedQueueJob } from '../../list-bounds.ts';
import { toListedJob, type ListJobRow } from '../../listed-rows.ts';
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

/**
 * A list row: the small columns as they are; payload, result, error_log and last_error whole only
 * up to LIST_VALUE_MAX_BYTES, else their size and a short prefix (src/store/list-bounds.ts), so a
 * page of large payloads never leaves the server whole. An error log too large to show is reduced
 * to its newest entry, its message cut, in SQL.
 */
const MAX = LIST_VALUE_MAX_BYTES;
const bounded = (col: string) =>
  `octet_length(${col}) AS ${col}_bytes, CASE WHEN octet_length(${col}) <= ${MAX} THEN ${col} ELSE substr(${col}, 1, ${LIST_PREVIEW_CHARS}) END AS ${col}`;
const newest = `(CASE WHEN octet_length(error_log) > ${MAX} THEN error_log::json -> -1 END)`;
const LIST_COLUMNS = [
  'id, type, status, tenant_id, actor_id, trace_id, request_id, priority, run_at, attempts, max_attempts',
  'lease_token, lease_expires_at, lease_owner, run_id, cancel_requested, processed_items, total_items',
  'idempotency_key, created_by, created_at, started_at, completed_at, updated_at',
  bounded('payload'),
  bounded('result'),
  bounded('last_error'),
  `octet_length(error_log) AS error_log_bytes, CASE WHEN octet_length(error_log) <= ${MAX} THEN error_log END AS error_log`,
  `${newest} ->> 'at' AS newest_at`,
  `(${newest} ->> 'attempt')::integer AS newest_attempt`,
  `octet_length(${newest} ->> 'message') AS newest_message_bytes`,
  `substr(${newest} ->> 'message', 1, ${LIST_PREVIEW_CHARS}) AS newest_message`,
].join(', ');

/** A filtered page, newest first, values bounded as above, with the total matching the filter. */
export async function listJobs(db: Db, filter: ListFilter): Promise<{ jobs: ListedQueueJob[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) where.push(statusTerm(filter.status));
  if (filter.type) (params.push(filter.type), where.push(`type = $${params.length}`));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Ids are UUIDv7 (COLLATE "C"), so id order is creation order: newest first is id DESC.
  const n = params.length;
  const rows = await db.rows<ListJobRow>(`SELECT ${LIST_COLUMNS} FROM ns.queue_jobs ${clause} ORDER BY id DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [
    ...params,
    filter.limit,
    filter.offset ?? 0,
  ]);
  return { jobs: rows.map(toListedJob), total: await countWhere(db, where, params) };
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
