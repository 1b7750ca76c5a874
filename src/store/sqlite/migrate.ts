// Nightshift's own migration bookkeeping on SQLite: a nightshift_migrations table records which of
// its numbered migrations ran. PRAGMA user_version belongs to the app that owns the database (many
// apps version their schema with it), so Nightshift never reads or writes it, and never touches a
// table without the nightshift_ prefix (except adopting its own 0.1 tables: migrations/001-core.ts).
import type { Db } from './open.ts';
import { SchemaTooNewError } from '../errors.ts';
import type { Migration } from './migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';

const BOOKKEEPING = `
  CREATE TABLE IF NOT EXISTS nightshift_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`;

/** The newest Nightshift migration applied to this database (0: none). Reads only. */
export function schemaVersion(db: Db): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'nightshift_migrations'`).get();
  if (!table) return 0;
  return (db.prepare(`SELECT coalesce(max(version), 0) AS v FROM nightshift_migrations`).get() as { v: number }).v;
}

export const latestVersion = (list: readonly Migration[] = allMigrations) => Math.max(0, ...list.map((m) => m.version));

/**
 * Applies the migrations this database lacks, each in its own IMMEDIATE transaction (two processes
 * starting together: the second sees the first's row and skips). A database migrated by a newer
 * Nightshift is refused before anything is written: old code on a new schema would corrupt it.
 */
export function migrate(db: Db, path: string, list: readonly Migration[] = allMigrations): { applied: number[]; version: number } {
  const latest = latestVersion(list);
  const found = schemaVersion(db);
  if (found > latest) throw new SchemaTooNewError(path, found, latest);
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (m.version <= found) continue;
    db.transaction(() => {
      db.exec(BOOKKEEPING);
      if (schemaVersion(db) >= m.version) return;
      m.up(db);
      db.prepare(`INSERT INTO nightshift_migrations (version, name, applied_at) VALUES (?, ?, ?)`).run(m.version, m.name, Date.now());
      applied.push(m.version);
    }).immediate();
  }
  return { applied, version: Math.max(found, ...applied) };
}
