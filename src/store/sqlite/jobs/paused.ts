// Paused queue types: read by every runner on its poll, written by an operator's pause or resume.
import type { Db } from '../open.ts';
import type { PausedType } from '../../types.ts';
import { stmt } from '../statements.ts';

export function pausedTypes(db: Db): PausedType[] {
  return stmt(db, `SELECT type, paused_at AS pausedAt, paused_by AS pausedBy FROM nightshift_paused_types ORDER BY type`).all() as PausedType[];
}

/** Returns false when the type already was in that state. */
export function setPaused(db: Db, r: { type: string; paused: boolean; by: string | null; now: number }): boolean {
  if (!r.paused) return stmt(db, `DELETE FROM nightshift_paused_types WHERE type = ?`).run(r.type).changes === 1;
  return stmt(db, `INSERT INTO nightshift_paused_types (type, paused_at, paused_by) VALUES (?, ?, ?) ON CONFLICT (type) DO NOTHING`).run(r.type, r.now, r.by).changes === 1;
}
