// When each scheduled job was first seen on this database (catch-up: a fresh install does not
// "catch up" on day one; src/scheduler/catch-up.ts decides).
import type { Db } from './db.ts';

export async function recordFirstSeen(db: Db, names: readonly string[], now: number): Promise<void> {
  if (names.length === 0) return;
  await db.run(
    `INSERT INTO ns.scheduled_jobs (name, first_seen_at) SELECT name, $2 FROM unnest($1::text[]) AS n(name) ON CONFLICT (name) DO NOTHING`,
    [names, now],
  );
}

export async function firstSeen(db: Db, names: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.rows<{ name: string; first_seen_at: number }>(`SELECT name, first_seen_at FROM ns.scheduled_jobs WHERE name = ANY($1::text[])`, [names]);
  return new Map(rows.map((r) => [r.name, r.first_seen_at]));
}
