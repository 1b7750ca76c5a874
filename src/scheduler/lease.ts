// The scheduler lease: one row saying which scheduler instance may fire cron jobs on this database
// and until when. The holder renews it; anyone may take it once it expires or its owner is gone.
import { hostname } from 'node:os';
import type { Db } from '../db/open.ts';
import { isOwnerGone, parseOwner } from './owner.ts';

export interface LeaseHolder {
  owner: string;
  pid: number;
  hostname: string;
  acquiredAt: number;
  expiresAt: number;
}

interface LeaseRow {
  owner: string;
  pid: number;
  hostname: string;
  acquired_at: number;
  expires_at: number;
}

export function readLease(db: Db): LeaseHolder | undefined {
  const row = db.prepare(`SELECT owner, pid, hostname, acquired_at, expires_at FROM scheduler_lease WHERE id = 1`).get() as
    | LeaseRow
    | undefined;
  return row && { owner: row.owner, pid: row.pid, hostname: row.hostname, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/** Takes or renews the lease. Returns true when `owner` holds it afterwards. */
export function acquireLease(db: Db, owner: string, ttlMs: number, now = Date.now()): boolean {
  return db
    .transaction(() => {
      const current = readLease(db);
      const mine = current?.owner === owner;
      const free = !current || current.expiresAt <= now || isOwnerGone(current.owner);
      if (!mine && !free) return false;
      db.prepare(
        `INSERT INTO scheduler_lease (id, owner, pid, hostname, acquired_at, expires_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, hostname = excluded.hostname,
           acquired_at = CASE WHEN scheduler_lease.owner = excluded.owner THEN scheduler_lease.acquired_at ELSE excluded.acquired_at END,
           expires_at = excluded.expires_at`,
      ).run(owner, parseOwner(owner)?.pid ?? process.pid, hostname(), now, now + ttlMs);
      return true;
    })
    .immediate();
}

export function releaseLease(db: Db, owner: string): void {
  db.prepare(`DELETE FROM scheduler_lease WHERE id = 1 AND owner = ?`).run(owner);
}
