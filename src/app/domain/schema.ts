// The reference app's own tables (seed 000's preview sessions and i18n cache, and the `requests`
// table seed 004's example job reads), versioned the way many apps version theirs: with PRAGMA
// user_version. Nightshift keeps its own bookkeeping (nightshift_migrations), so the two never
// step on each other. A Nightshift 0.1 database already has these tables at versions 1 and 2.
import type Database from 'better-sqlite3';

type Db = Database.Database;

const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS preview_sessions (
        id         TEXT NOT NULL,
        token      TEXT NOT NULL UNIQUE,
        revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- The cleanup's two deletes: expired sessions, revoked sessions.
      CREATE INDEX IF NOT EXISTS preview_sessions_expired ON preview_sessions (expires_at);
      CREATE INDEX IF NOT EXISTS preview_sessions_revoked ON preview_sessions (revoked) WHERE revoked = 1;

      CREATE TABLE IF NOT EXISTS i18n_cache (
        id          TEXT NOT NULL,
        prompt_hash TEXT NOT NULL UNIQUE,
        value       TEXT NOT NULL,
        expires_at  INTEGER NOT NULL,
        created_at  INTEGER NOT NULL
      );
      -- The cleanup's two deletes: expired entries, entries older than 30 days.
      CREATE INDEX IF NOT EXISTS i18n_cache_expired ON i18n_cache (expires_at);
      CREATE INDEX IF NOT EXISTS i18n_cache_older_than ON i18n_cache (created_at);`,
  },
  {
    version: 2,
    sql: `
      -- What requests.reminder reads (seed 004's domain job).
      CREATE TABLE IF NOT EXISTS requests (
        id         TEXT PRIMARY KEY,
        tenant_id  TEXT NOT NULL,
        title      TEXT NOT NULL,
        remind_at  INTEGER,
        created_at INTEGER NOT NULL
      );`,
  },
];

/** Brings the app's tables to the newest version; each step in its own IMMEDIATE transaction. */
export function migrateAppSchema(db: Db): number[] {
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    db.transaction(() => {
      if ((db.pragma('user_version', { simple: true }) as number) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
