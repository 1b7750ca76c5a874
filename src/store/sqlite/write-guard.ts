// Every write the SQLite store makes goes through here, so a full disk is one typed error
// (StorageFullError, 507 over HTTP) and /api/health knows about it (src/store/storage-faults.ts).
// SQLite rolls back the statement or transaction that hit it, so nothing is half-written.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageFullError, isStorageFull } from '../errors.ts';
import type { StorageFaults } from '../storage-faults.ts';
import type { Db } from './open.ts';
import { stmt } from './statements.ts';

/** Below this many free bytes an I/O error on write counts as "full" (SQLite needs a few pages). */
const NEARLY_FULL_BYTES = 256 * 1024;

/** Whether the filesystem holding `file` has room left (for telling a full disk from a failing one). */
export function hasSpaceFor(file: string): () => boolean {
  return () => {
    const s = statfsSync(dirname(file));
    return s.bavail * s.bsize >= NEARLY_FULL_BYTES;
  };
}

const totalChanges = (db: Db) => (stmt(db, 'SELECT total_changes() AS n').get() as { n: number }).n;

/**
 * Wraps a write: a storage-full failure becomes StorageFullError and is recorded; while one is
 * recorded, a write that really changed rows and committed (not one inside a caller's still-open
 * transaction, which may yet fail at its COMMIT) ends the episode. Outside an episode it costs a
 * try block, nothing more: the queue's hot path runs through it.
 */
export function writeGuard(db: Db, file: string, faults: StorageFaults): <T>(fn: () => T) => T {
  const hasSpace = hasSpaceFor(file);
  return <T>(fn: () => T): T => {
    const watching = faults.current !== undefined;
    const before = watching ? totalChanges(db) : 0;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      if (!isStorageFull(err, hasSpace)) throw err;
      const full = err instanceof StorageFullError ? err : new StorageFullError(err);
      faults.failed(full);
      throw full;
    }
    if (watching && !db.inTransaction && totalChanges(db) > before) faults.succeeded();
    return result;
  };
}

/**
 * A write that needs space and changes nothing: two updates of one row in one transaction (SQLite
 * skips writing a page whose new content equals the old, so one no-op update would not touch the disk).
 */
export function probeWrite(db: Db): void {
  db.transaction(() => {
    const row = `version = (SELECT max(version) FROM nightshift_migrations)`;
    stmt(db, `UPDATE nightshift_migrations SET applied_at = applied_at + 1 WHERE ${row}`).run();
    stmt(db, `UPDATE nightshift_migrations SET applied_at = applied_at - 1 WHERE ${row}`).run();
  }).immediate();
}
