// Which job types have ready jobs, read by hopping along the ready index from one type to the next
// (a recursive query: one index seek per type, whatever the backlog): the runner warns about types
// no job file of its handles, which it never reads when claiming (claim.ts reads only its types).
import type { Db } from '../db.ts';

export const READY_TYPES = `
  WITH RECURSIVE next(type) AS (
    SELECT (SELECT type FROM ns.queue_jobs WHERE status = 'pending' AND due ORDER BY type LIMIT 1)
    UNION ALL
    SELECT (SELECT type FROM ns.queue_jobs WHERE status = 'pending' AND due AND type > next.type ORDER BY type LIMIT 1)
    FROM next WHERE next.type IS NOT NULL
  )
  SELECT type FROM next WHERE type IS NOT NULL`;

export async function readyTypes(db: Db): Promise<string[]> {
  return (await db.rows<{ type: string }>(READY_TYPES)).map((r) => r.type);
}
