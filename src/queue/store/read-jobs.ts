// Reads for the admin API: one job, a filtered page (newest first) with its total, counts.
import type { Db } from '../../db/open.ts';
import { QUEUE_STATUSES, type ListFilter, type QueueCounts } from '../types.ts';
import type { JobRow } from './rows.ts';
import { stmt } from './statements.ts';

export function jobById(db: Db, id: string): JobRow | undefined {
  return stmt(db, `SELECT * FROM queue_jobs WHERE id = ?`).get(id) as JobRow | undefined;
}

export function progressRow(db: Db, id: string): Pick<JobRow, 'id' | 'status' | 'processed_items' | 'total_items'> | undefined {
  return stmt(db, `SELECT id, status, processed_items, total_items FROM queue_jobs WHERE id = ?`).get(id) as never;
}

export function listJobs(db: Db, filter: ListFilter): { rows: JobRow[]; total: number } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status) (where.push('status = ?'), params.push(filter.status));
  if (filter.type) (where.push('type = ?'), params.push(filter.type));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  // Ids are UUIDv7, so id order is creation order (to the millisecond): newest first is id DESC.
  const rows = stmt(db, `SELECT * FROM queue_jobs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(...params, filter.limit, filter.offset ?? 0) as JobRow[];
  const { total } = stmt(db, `SELECT count(*) AS total FROM queue_jobs ${clause}`).get(...params) as { total: number };
  return { rows, total };
}

export function countByStatus(db: Db): QueueCounts {
  const counts = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, 0])) as QueueCounts;
  const rows = stmt(db, `SELECT status, count(*) AS n FROM queue_jobs GROUP BY status`).all() as { status: keyof QueueCounts; n: number }[];
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}
