// What the reference app's own routes need: its database connection and how to write to it.
import type Database from 'better-sqlite3';

export interface DomainDeps {
  db: Database.Database;
  /** Runs a write; here simply the write itself (SQLite serialises writers). */
  write<T>(fn: () => T): T;
}
