// Opens a connection with the settings every Nightshift connection shares. Each thread (the API,
// each Bree worker, each queue worker) opens its own; better-sqlite3 connections are not shared.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for the lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: options.readonly ?? false });
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  if (!options.readonly) {
    // WAL lets the API read while a job writes; NORMAL is durable across process crashes
    // (only an OS crash can lose the last transactions), and is ~6x faster than FULL here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}
