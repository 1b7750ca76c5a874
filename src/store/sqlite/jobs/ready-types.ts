// Which job types have ready jobs, read by hopping along the ready index from one type to the next
// (one index seek per type, whatever the backlog): the runner warns about types no job file here
// handles, which it never reads when claiming (claim.ts reads only the types it runs).
import type { Db } from '../open.ts';
import { stmt } from '../statements.ts';

export const READY_TYPES = `
  WITH RECURSIVE next(type) AS (
    SELECT (SELECT type FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_ready_by_type
            WHERE status = 'pending' AND due = 1 AND type > '' ORDER BY type LIMIT 1) -- types are never empty
    UNION ALL
    SELECT (SELECT type FROM nightshift_queue_jobs INDEXED BY nightshift_queue_jobs_ready_by_type
            WHERE status = 'pending' AND due = 1 AND type > next.type ORDER BY type LIMIT 1)
    FROM next WHERE next.type IS NOT NULL
  )
  SELECT type FROM next WHERE type IS NOT NULL`;

export function readyTypes(db: Db): string[] {
  return (stmt(db, READY_TYPES).all() as { type: string }[]).map((r) => r.type);
}
