// The i18n/AI translation cache that cleanupI18nCache keeps bounded.
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type Database from 'better-sqlite3';

type Db = Database.Database;

export interface CacheEntry {
  id: string;
  promptHash: string;
  expiresAt: string;
  createdAt: string;
}

export interface NewCacheEntry {
  promptHash: string;
  value: string;
  expiresAt: Date;
  /** Tests and fixtures may backdate an entry; the API always uses now. */
  createdAt?: Date;
}

/** Stores an entry; the same promptHash replaces the previous value. */
export function putCacheEntry(db: Db, entry: NewCacheEntry, now = Date.now()): CacheEntry {
  const id = randomUUID();
  const created = entry.createdAt?.getTime() ?? now;
  const row = db
    .prepare(
      `INSERT INTO i18n_cache (id, prompt_hash, value, expires_at, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (prompt_hash) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, created_at = excluded.created_at
       RETURNING id, prompt_hash, expires_at, created_at`,
    )
    .get(id, entry.promptHash, entry.value, entry.expiresAt.getTime(), created) as {
    id: string;
    prompt_hash: string;
    expires_at: number;
    created_at: number;
  };
  return {
    id: row.id,
    promptHash: row.prompt_hash,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function cacheStats(db: Db, now = Date.now()): { count: number; expired: number } {
  return db.prepare(`SELECT COUNT(*) AS count, COUNT(*) FILTER (WHERE expires_at < ?) AS expired FROM i18n_cache`).get(now) as {
    count: number;
    expired: number;
  };
}

/** Deletes entries expired before ? or created before ?, a batch (last parameter) at a time. */
export function cacheCleanupStatement(db: Db): Statement {
  return db.prepare(
    `DELETE FROM i18n_cache WHERE rowid IN (
       SELECT rowid FROM i18n_cache WHERE expires_at < ? OR created_at < ? LIMIT ?)`,
  );
}
