// The scheduler lease on SQLite: one row saying which scheduler instance may fire cron jobs on this
// database and until when. The holder renews it; anyone may take it once it expires or its owner is
// gone (the engine decides "gone": src/core/owner.ts).
import type { Db } from './open.ts';
import type { AcquireLease, LeaseHolder } from '../types.ts';

interface LeaseRow {
  owner: string;
  pid: number;
  hostname: string;
  acquired_at: number;
  expires_at: number;
}

export function readLease(db: Db): LeaseHolder | undefined {
  const row = db.prepare(`SELECT owner, pid, hostname, acquired_at, expires_at FROM nightshift_scheduler_lease WHERE id = 1`).get() as
    | LeaseRow
    | undefined;
  return row && { owner: row.owner, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/** Takes or renews the lease. Returns true when `owner` holds it afterwards. */
export function acquireLease(db: Db, r: AcquireLease): boolean {
  return db
    .transaction(() => {
      const current = readLease(db);
      const mine = current?.owner === r.owner;
      const free = !current || current.expiresAt <= r.now || r.isOwnerGone(current.owner);
      if (!mine && !free) return false;
      db.prepare(
        `INSERT INTO nightshift_scheduler_lease (id, owner, pid, hostname, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, hostname = excluded.hostname,
           acquired_at = CASE WHEN nightshift_scheduler_lease.owner = excluded.owner THEN nightshift_scheduler_lease.acquired_at ELSE excluded.acquired_at END,
           expires_at = excluded.expires_at`,
      ).run(r.owner, r.pid, r.hostname, r.now, r.now + r.ttlMs);
      return true;
    })
    .immediate();
}

export function releaseLease(db: Db, owner: string): void {
  db.prepare(`DELETE FROM nightshift_scheduler_lease WHERE id = 1 AND owner = ?`).run(owner);
}
