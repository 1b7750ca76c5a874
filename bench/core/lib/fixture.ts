// Builds the cleanup benchmark's database: 2,000,000 preview sessions, every second one expired.
// Built once per run as a template in bench/.tmp/ and copied for each scenario (a cleanup changes it).
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from '../../../src/store/sqlite/migrate.ts';
import { openDatabase } from '../../../src/store/sqlite/open.ts';
import { migrateAppSchema } from '../../../src/app/domain/schema.ts';
import { previewToken } from '../../../src/app/domain/preview-sessions.ts';

export type FixtureLayout = 'interleaved' | 'chronological';

export interface FixtureSpec {
  total: number;
  expired: number;
  /**
   * interleaved: expired rows are every second row and their expiry times are random, so
   *   expires_at order is unrelated to rowid order (sessions with mixed TTLs): each delete batch
   *   touches pages all over the table.
   * chronological: rows were inserted in time order with one TTL, so the expired rows are the
   *   oldest rowids and expires_at order follows rowid order (deletes walk the table in order).
   * Tokens are made as the app makes them (creation time, then random bits), so in 'interleaved'
   *   (creation time unrelated to expiry) the token index is hit at random, and in 'chronological'
   *   the expired sessions' tokens form one contiguous range.
   */
  layout: FixtureLayout;
}

export interface FixtureInfo extends FixtureSpec {
  path: string;
  buildMs: number;
  bytes: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * Rows look like real traffic: random UUID ids, tokens from previewToken(), created over the last 30 days, expired rows interleaved with live
 * ones (row i is expired when i is even, up to `expired`), expiry times spread so that
 * expires_at order is unrelated to rowid order. Live rows expire at least 6 h from now.
 */
export function buildFixture(path: string, spec: FixtureSpec): FixtureInfo {
  if (spec.expired > spec.total || (spec.layout === 'interleaved' && spec.expired * 2 > spec.total + 1)) {
    // Interleaving needs at least as many live rows as expired ones; keep the layout honest.
    throw new Error('buildFixture: expired must be at most half of total');
  }
  const started = performance.now();
  mkdirSync(dirname(path), { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const db = openDatabase(path);
  migrate(db, path);
  migrateAppSchema(db);
  // Build settings only (this connection): no durability needed for a throwaway fixture.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1048576'); // 1 GiB page cache: random token inserts stay in memory
  const insert = db.prepare(
    `INSERT INTO preview_sessions (id, token, revoked, expires_at, created_at) VALUES (?, ?, 0, ?, ?)`,
  );
  const now = Date.now();
  const CHUNK = 100_000;
  let expiredLeft = spec.expired;
  for (let base = 0; base < spec.total; base += CHUNK) {
    const n = Math.min(CHUNK, spec.total - base);
    const bytes = randomBytes(n * 18);
    const rand = new Float64Array(n * 2);
    for (let k = 0; k < rand.length; k++) rand[k] = Math.random();
    db.transaction(() => {
      for (let j = 0; j < n; j++) {
        const i = base + j;
        let createdAt = now - Math.floor(rand[2 * j]! * 30 * DAY);
        let expiresAt: number;
        if (spec.layout === 'chronological') {
          // Oldest first: row i expired at now - (expired - i) s (expired ones), live ones later.
          expiresAt = i < spec.expired ? now - (spec.expired - i) * 1000 : now + 6 * HOUR + (i - spec.expired) * 1000;
          createdAt = expiresAt - 7 * DAY;
        } else if (i % 2 === 0 && expiredLeft > 0) {
          expiredLeft--;
          // Expired between 1 minute and 30 days ago.
          expiresAt = now - 60_000 - Math.floor(rand[2 * j + 1]! * 30 * DAY);
        } else {
          // Live: expires between 6 hours and 30 days from now.
          expiresAt = now + 6 * HOUR + Math.floor(rand[2 * j + 1]! * 30 * DAY);
        }
        // The app's own token format (creation time, then 144 random bits).
        const token = previewToken(createdAt, bytes.subarray(j * 18, j * 18 + 18));
        insert.run(randomUUID(), token, expiresAt, createdAt);
      }
    })();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  for (const suffix of ['-wal', '-shm']) rmSync(path + suffix, { force: true });
  flushToDisk(path);
  return { ...spec, path, buildMs: performance.now() - started, bytes: statSync(path).size };
}

/** A fresh copy of the template for one scenario. */
export function copyFixture(template: string, target: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(target + suffix, { force: true });
  copyFileSync(template, target);
  flushToDisk(target);
}

/**
 * fsync a freshly written file so the kernel is not still writing hundreds of MB back to disk
 * while a scenario measures latency (that writeback stalls unrelated writes on this VM's disk).
 */
export function flushToDisk(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix, { force: true });
}
