// Opens a connection with the settings every Nightshift connection shares. Each thread (the API,
// each Bree worker, each queue worker) opens its own; better-sqlite3 connections are not shared.
// Before SQLite touches a file, the path is checked so that a wrong DATABASE_PATH stops start-up
// with one line naming the file and the cause, and a file that is not a healthy, writable database
// is never written to (SQLite's own errors name neither the file nor the reason).
import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for the lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/** Why a database could not be opened, in one line: `Cannot open database <path>: <cause>`. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
  constructor(
    /** The path as the caller gave it (DATABASE_PATH). */
    readonly path: string,
    /** The cause alone, e.g. "it is a directory". */
    readonly reason: string,
  ) {
    super(`Cannot open database ${path}: ${reason}`);
  }
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const readonly = options.readonly ?? false;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  // In-memory databases ('' is SQLite's private temporary one) have no file to check.
  if (path !== ':memory:' && path !== '') checkDatabasePath(path, { readonly, busyTimeoutMs });
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly, timeout: busyTimeoutMs });
    configure(db, readonly, busyTimeoutMs);
    return db;
  } catch (err) {
    db?.close();
    // The checks above cover the causes we know; anything SQLite still refuses gets the same one line.
    throw asOpenError(path, err);
  }
}

function configure(db: Db, readonly: boolean, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!readonly) {
    // WAL lets the API read while a job writes; NORMAL is durable across process crashes
    // (only an OS crash can lose the last transactions), and is ~6x faster than FULL here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
}

interface CheckOptions {
  readonly: boolean;
  busyTimeoutMs: number;
}

/**
 * Throws DatabaseOpenError when `path` cannot be a working database; creates missing parent folders
 * for a new writable database. Never writes to an existing file, so a wrong path is never damaged.
 */
function checkDatabasePath(path: string, options: CheckOptions): void {
  const stats = statIfExists(path);
  if (stats) checkExistingFile(path, stats, options);
  else prepareNewFile(path, options.readonly);
}

function checkExistingFile(path: string, stats: Stats, options: CheckOptions): void {
  if (stats.isDirectory()) throw new DatabaseOpenError(path, 'it is a directory');
  // Reading the header of a FIFO or a device could block or mean nothing.
  if (!stats.isFile()) throw new DatabaseOpenError(path, 'it is not a regular file');
  // A zero-length file is what SQLite itself creates for a new database: nothing to check inside.
  const empty = stats.size === 0;
  if (!empty) checkHeader(path);
  if (!options.readonly) {
    // access() also answers for root on read-only mounts and immutable files (EROFS/EPERM); only
    // missing write bits do not stop root, and SQLite as root does write through them.
    if (!canAccess(path, constants.W_OK)) throw new DatabaseOpenError(path, 'it is a read-only file');
    // WAL needs its -wal and -shm files next to the database.
    checkFolderWritable(path, resolve(dirname(path)));
  }
  if (!empty) probeReadOnly(path, options.busyTimeoutMs);
}

function checkHeader(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new DatabaseOpenError(path, `the file is not readable (${describeFsError(err)})`);
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    if (read < header.length || !header.equals(SQLITE_HEADER)) throw new DatabaseOpenError(path, 'the file is not a SQLite database');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the schema on a read-only connection: a garbled first page or header fields show up here,
 * and a read-only connection never rolls back a journal or checkpoints into the file.
 * Damage deeper in the file only shows when those pages are read; a full check would cost a scan.
 */
function probeReadOnly(path: string, busyTimeoutMs: number): void {
  // Reading a WAL-mode file creates its -wal and -shm companions; a healthy database keeps them
  // for the real connection (which removes them on close), a damaged one must not be left with them.
  const companions = [`${path}-wal`, `${path}-shm`].filter((file) => !existsSync(file));
  let probe: Db | undefined;
  try {
    probe = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    probe.prepare('SELECT count(*) FROM sqlite_master').get();
    probe.close();
  } catch (err) {
    probe?.close();
    // Only damage is decided here. A read-only connection also fails on a healthy file in ways the
    // real one handles (a hot journal to roll back after a crash, a lock held past the timeout):
    // those go on to the real open, which recovers or reports them itself.
    if (!isDamage(err)) return;
    removeOwnEmptyCompanions(companions);
    throw asOpenError(path, err);
  }
}

function isDamage(err: unknown): boolean {
  const code = sqliteCode(err);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

function sqliteCode(err: unknown): string {
  return String((err as { code?: unknown }).code ?? '');
}

/** Removes -wal/-shm files the failed probe created, but never a -wal holding data. */
function removeOwnEmptyCompanions(files: string[]): void {
  for (const file of files) {
    try {
      if (file.endsWith('-shm') || statSync(file).size === 0) rmSync(file, { force: true });
    } catch {
      // Not created after all, or not ours to remove: the error being reported matters more.
    }
  }
}

function prepareNewFile(path: string, readonly: boolean): void {
  const folder = resolve(dirname(path));
  const ancestor = nearestExistingAncestor(path, folder);
  if (!ancestor.stats.isDirectory()) throw new DatabaseOpenError(path, `its parent ${ancestor.path} is not a folder`);
  if (readonly) throw new DatabaseOpenError(path, 'the file does not exist');
  checkFolderWritable(path, ancestor.path);
  // Missing parent folders are created, as they always were: `data/` need not exist on a fresh checkout.
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new DatabaseOpenError(path, `cannot create the folder ${folder} (${describeFsError(err)})`);
  }
}

function checkFolderWritable(path: string, folder: string): void {
  if (!canAccess(folder, constants.W_OK | constants.X_OK)) throw new DatabaseOpenError(path, `the folder ${folder} is not writable`);
}

function nearestExistingAncestor(path: string, folder: string): { path: string; stats: Stats } {
  for (let current = folder; ; current = dirname(current)) {
    const stats = statIfExists(current, path);
    if (stats) return { path: current, stats };
    if (dirname(current) === current) throw new Error(`no existing ancestor of ${folder}`); // the root always exists
  }
}

/**
 * Stats, or undefined when nothing is there (ENOTDIR: some parent is a file, so nothing is there
 * either). Other failures, such as a folder on the way that may not be searched, are about `dbPath`.
 */
function statIfExists(path: string, dbPath = path): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DatabaseOpenError(dbPath, describeFsError(err));
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  return e.message; // Node's own line, e.g. "ELOOP: too many symbolic links encountered, stat '/x'"
}

/** SQLite's error in our one line; errors that already are one pass through. */
function asOpenError(path: string, err: unknown): DatabaseOpenError {
  if (err instanceof DatabaseOpenError) return err;
  const code = sqliteCode(err);
  const message = (err as Error).message;
  if (isDamage(err)) return new DatabaseOpenError(path, `the database is damaged (${message})`);
  if (code.startsWith('SQLITE_READONLY')) return new DatabaseOpenError(path, `the database is read-only (${message})`);
  if (code.startsWith('SQLITE_CANTOPEN')) return new DatabaseOpenError(path, `SQLite cannot open the file (${message})`);
  return new DatabaseOpenError(path, message);
}
