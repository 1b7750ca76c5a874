// The scheduler lease on PostgreSQL: one row saying which scheduler instance may fire cron jobs on
// this database and until when. The holder renews it; anyone may take it once it expires or its
// owner is gone (the engine decides "gone": src/core/owner.ts). An advisory lock makes read,
// decide and write one step across every instance.
import type { AcquireLease, LeaseHolder } from '../types.ts';
import type { Db } from './db.ts';

interface LeaseRow {
  owner: string;
  pid: number;
  hostname: string;
  acquired_at: number;
  expires_at: number;
}

export async function readLease(db: Db): Promise<LeaseHolder | undefined> {
  const row = await db.row<LeaseRow>(`SELECT owner, pid, hostname, acquired_at, expires_at FROM ns.scheduler_lease WHERE id = 1`);
  return row && { owner: row.owner, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

const UPSERT = `
  INSERT INTO ns.scheduler_lease AS l (id, owner, pid, hostname, acquired_at, expires_at) VALUES (1, $1, $2, $3, $4, $5)
  ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, hostname = excluded.hostname,
    acquired_at = CASE WHEN l.owner = excluded.owner THEN l.acquired_at ELSE excluded.acquired_at END,
    expires_at = excluded.expires_at`;

/** Takes or renews the lease. Returns true when `owner` holds it afterwards. Call inside a transaction. */
export async function acquireLease(db: Db, r: AcquireLease): Promise<boolean> {
  await db.lock('leader');
  const current = await readLease(db);
  const mine = current?.owner === r.owner;
  const free = !current || current.expiresAt <= r.now || r.isOwnerGone(current.owner);
  if (!mine && !free) return false;
  await db.run(UPSERT, [r.owner, r.pid, r.hostname, r.now, r.now + r.ttlMs]);
  return true;
}

export async function releaseLease(db: Db, owner: string): Promise<void> {
  await db.run(`DELETE FROM ns.scheduler_lease WHERE id = 1 AND owner = $1`, [owner]);
}
