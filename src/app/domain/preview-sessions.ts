// Preview sessions: the small domain cleanupPreviewSessions keeps tidy (seed 000's proof replays it).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type Database from 'better-sqlite3';

type Db = Database.Database;

export interface PreviewSession {
  id: string;
  token: string;
  revoked: boolean;
  expiresAt: string;
  createdAt: string;
}

interface Row {
  id: string;
  token: string;
  revoked: 0 | 1;
  expires_at: number;
  created_at: number;
}

const toSession = (r: Row): PreviewSession => ({
  id: r.id,
  token: r.token,
  revoked: r.revoked === 1,
  expiresAt: new Date(r.expires_at).toISOString(),
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * A token is its creation time in hex (12 chars, so tokens sort by age) followed by 144 random bits.
 * Why the prefix: the cleanup deletes the oldest sessions, and with random tokens each deleted row
 * dirties its own page of the unique token index (a 4 KiB write per row, ~10x slower cleanups);
 * time-ordered tokens keep those deletes in one contiguous range. The random part alone is the secret.
 */
export function previewToken(createdAtMs: number, random: Buffer = randomBytes(18)): string {
  return Math.max(0, Math.floor(createdAtMs)).toString(16).padStart(12, '0') + random.toString('base64url');
}

export function createPreviewSession(db: Db, expiresAt: Date, now = Date.now()): PreviewSession {
  const row: Row = { id: randomUUID(), token: previewToken(now), revoked: 0, expires_at: expiresAt.getTime(), created_at: now };
  db.prepare(`INSERT INTO preview_sessions (id, token, revoked, expires_at, created_at) VALUES (@id, @token, @revoked, @expires_at, @created_at)`).run(row);
  return toSession(row);
}

export function findPreviewSession(db: Db, token: string): PreviewSession | undefined {
  const row = db.prepare(`SELECT id, token, revoked, expires_at, created_at FROM preview_sessions WHERE token = ?`).get(token) as Row | undefined;
  return row && toSession(row);
}

export function revokePreviewSession(db: Db, token: string): boolean {
  return db.prepare(`UPDATE preview_sessions SET revoked = 1 WHERE token = ?`).run(token).changes === 1;
}

export type ValidationResult = { valid: true; session: PreviewSession } | { valid: false; reason: 'NOT_FOUND' | 'EXPIRED' | 'REVOKED' };

export function validatePreviewSession(db: Db, token: string, now = Date.now()): ValidationResult {
  const session = findPreviewSession(db, token);
  if (!session) return { valid: false, reason: 'NOT_FOUND' };
  if (session.revoked) return { valid: false, reason: 'REVOKED' };
  if (Date.parse(session.expiresAt) < now) return { valid: false, reason: 'EXPIRED' };
  return { valid: true, session };
}

/** Batch deletes for the cleanup job; the last parameter of each is the batch size. */
export function previewCleanupStatements(db: Db): { expired: Statement; revoked: Statement } {
  return {
    // Expired first: a session both expired and revoked counts as expired.
    expired: db.prepare(
      `DELETE FROM preview_sessions WHERE rowid IN (SELECT rowid FROM preview_sessions WHERE expires_at < ? LIMIT ?)`,
    ),
    revoked: db.prepare(
      `DELETE FROM preview_sessions WHERE rowid IN (SELECT rowid FROM preview_sessions WHERE revoked = 1 LIMIT ?)`,
    ),
  };
}
