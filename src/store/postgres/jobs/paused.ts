// Paused queue types: read by every runner on its poll, written by an operator's pause or resume.
import type { Db } from '../db.ts';
import type { PausedType } from '../../types.ts';

export function pausedTypes(db: Db): Promise<PausedType[]> {
  return db.rows<PausedType>(`SELECT type, paused_at AS "pausedAt", paused_by AS "pausedBy" FROM ns.paused_types ORDER BY type`);
}

/** Returns false when the type already was in that state. */
export async function setPaused(db: Db, r: { type: string; paused: boolean; by: string | null; now: number }): Promise<boolean> {
  if (!r.paused) return (await db.run(`DELETE FROM ns.paused_types WHERE type = $1`, [r.type])) === 1;
  return (await db.run(`INSERT INTO ns.paused_types (type, paused_at, paused_by) VALUES ($1, $2, $3) ON CONFLICT (type) DO NOTHING`, [r.type, r.now, r.by])) === 1;
}
