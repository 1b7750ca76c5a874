// An app's own better-sqlite3 Database given to createNightshift({ database }). Nightshift's worker
// threads open their own connections to the same file and write while the app reads and writes:
// that needs WAL (readers and one writer at once). In a rollback journal (DELETE, TRUNCATE...) a
// reader blocks the writer and the app's requests would meet SQLITE_BUSY waits behind job
// batches. So a connection in another mode is switched, as openDatabase does for a path (WAL is
// recorded in the file, so this happens once per database), and one that cannot be used is
// refused with one line before anything is written.
import { DatabaseOpenError, type Db } from './open.ts';

/** Checks (and if needed switches to WAL) the app's connection; `switched` hears a switch. */
export function requireWal(db: Db, switched: (fields: { path: string; from: string }) => void): void {
  const path = db.name || ':memory:';
  // A private in-memory database exists only on this connection: threads would open another, empty one.
  if (db.memory) throw new DatabaseOpenError(path, 'it is an in-memory database, which worker threads cannot open; give Nightshift a database file');
  if (db.readonly) throw new DatabaseOpenError(path, 'the connection is read-only, and Nightshift writes its tables through it');
  const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode === 'wal') return;
  if (db.inTransaction) throw new DatabaseOpenError(path, `its journal mode is ${mode}, not WAL, and it cannot be switched inside an open transaction`);
  let now: string;
  try {
    now = String(db.pragma('journal_mode = WAL', { simple: true })).toLowerCase();
  } catch (err) {
    throw new DatabaseOpenError(path, `its journal mode is ${mode}, not WAL, and switching failed: ${(err as Error).message}`);
  }
  if (now !== 'wal') throw new DatabaseOpenError(path, `its journal mode is ${mode}, not WAL, and SQLite kept ${now} when asked for WAL`);
  switched({ path, from: mode });
}
