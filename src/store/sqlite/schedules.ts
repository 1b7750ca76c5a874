// When each scheduled job was first seen on this database (catch-up: a fresh install does not
// "catch up" on day one; src/scheduler/catch-up.ts decides).
import type { Db } from './open.ts';
import { stmt } from './statements.ts';

export function recordFirstSeen(db: Db, names: readonly string[], now: number): void {
  const insert = stmt(db, `INSERT INTO nightshift_scheduled_jobs (name, first_seen_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`);
  db.transaction(() => names.forEach((name) => insert.run(name, now)))();
}

export function firstSeen(db: Db, names: readonly string[]): Map<string, number> {
  const rows = stmt(db, `SELECT name, first_seen_at FROM nightshift_scheduled_jobs WHERE name IN (SELECT value FROM json_each(?))`).all(
    JSON.stringify(names),
  ) as { name: string; first_seen_at: number }[];
  return new Map(rows.map((r) => [r.name, r.first_seen_at]));
}
