// Nightshift's own migration bookkeeping on SQLite: it never reads or writes PRAGMA user_version
// (the app's), never touches an app's tables (even one named job_runs), adopts a Nightshift 0.1
// database in place with nothing lost, and refuses a schema newer than the code before writing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { uuidv7 } from '../../src/core/ids.ts';
import { migrateAppSchema } from '../../src/app/domain/schema.ts';
import { SchemaTooNewError } from '../../src/store/errors.ts';
import { latestVersion } from '../../src/store/sqlite/migrate.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { REPO_ROOT } from '../helpers/index.ts';

const LEGACY_SQL = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'legacy', 'nightshift-0.1.sql'), 'utf8');

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nightshift-migrate-'));
  path = join(dir, 'app.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
const indexes = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A host app's own database: its schema at user_version 2, an orders table and its own job_runs. */
function hostDatabase(): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE orders (id TEXT PRIMARY KEY, total INTEGER NOT NULL);
    CREATE TABLE job_runs (id INTEGER PRIMARY KEY, what TEXT);
    CREATE TABLE jobs (id INTEGER PRIMARY KEY);
    INSERT INTO orders VALUES ('o-1', 100);
    INSERT INTO job_runs (what) VALUES ('the app''s own row');`);
  db.pragma('user_version = 2');
  db.close();
}

describe('migrations beside a host app', () => {
  test("a fresh migrate creates only nightshift_ tables and leaves the app's version and tables alone", () => {
    hostDatabase();
    const store = openSqliteStore(path);
    try {
      assert.deepEqual(store.migrate(), { applied: [1, 2, 3], version: latestVersion() });
      const db = store.db;
      assert.equal(db.pragma('user_version', { simple: true }), 2, "the app's PRAGMA user_version is untouched");
      assert.deepEqual(
        tables(db),
        ['job_runs', 'jobs', 'nightshift_job_runs', 'nightshift_migrations', 'nightshift_paused_types', 'nightshift_queue_jobs', 'nightshift_scheduled_jobs', 'nightshift_scheduler_lease', 'orders'],
      );
      assert.ok(indexes(db).every((name) => name.startsWith('nightshift_')), `every index Nightshift made is prefixed: ${indexes(db)}`);
      assert.deepEqual(db.prepare(`SELECT what FROM job_runs`).all(), [{ what: "the app's own row" }], "the app's own job_runs is not adopted");
      assert.deepEqual(db.prepare(`SELECT version, name FROM nightshift_migrations`).all(), [
        { version: 1, name: 'core: run ledger, scheduler lease, scheduled jobs, queue' },
        { version: 2, name: 'queue: ready jobs by type, waiting jobs by run_at' },
        { version: 3, name: 'queue: paused types' },
      ]);
      assert.deepEqual(store.migrate().applied, [], 'the second start applies nothing');
    } finally {
      store.close();
    }
  });

  test('the host migrating after Nightshift still sees its own version', () => {
    const store = openSqliteStore(path);
    store.migrate();
    store.close();
    const db = new Database(path);
    assert.equal(db.pragma('user_version', { simple: true }), 0, 'Nightshift wrote no user_version: a host migrating second still runs its migrations');
    db.close();
  });
});

describe('upgrading a Nightshift 0.1 database', () => {
  /** A 0.1 database with a run, a queue job, a lease, a first-seen row and a preview session. */
  function legacyDatabase(): { runId: string; jobId: string } {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec(LEGACY_SQL);
    db.pragma('user_version = 2');
    const runId = uuidv7(1_000);
    const jobId = uuidv7(2_000);
    db.prepare(`INSERT INTO job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, details, owner) VALUES (?, 'cleanupPreviewSessions', 'success', 'schedule', 1000, 1100, 100, '{"expiredCount":3}', 'old:1:a')`).run(runId);
    db.prepare(
      `INSERT INTO queue_jobs (id, type, status, payload, trace_id, run_at, max_attempts, created_at, updated_at, idempotency_key)
       VALUES (?, 'system.ping', 'pending', '{}', 'trace-1', 2000, 3, 2000, 2000, 'key-1')`,
    ).run(jobId);
    db.exec(`INSERT INTO scheduler_lease VALUES (1, 'old:1:a', 1, 'old', 1000, 5000)`);
    db.exec(`INSERT INTO scheduled_jobs VALUES ('cleanupPreviewSessions', 500)`);
    db.exec(`INSERT INTO preview_sessions VALUES ('p-1', 'tok-1', 0, 9999999999999, 1000)`);
    db.close();
    return { runId, jobId };
  }

  test('every row moves to the prefixed tables; the app tables and user_version stay; the queue works on it', async () => {
    const { runId, jobId } = legacyDatabase();
    const store = openSqliteStore(path);
    try {
      assert.deepEqual(store.migrate().applied, [1, 2, 3]);
      const db = store.db;
      assert.deepEqual(
        tables(db),
        ['i18n_cache', 'nightshift_job_runs', 'nightshift_migrations', 'nightshift_paused_types', 'nightshift_queue_jobs', 'nightshift_scheduled_jobs', 'nightshift_scheduler_lease', 'preview_sessions', 'requests'],
      );
      assert.equal(db.pragma('user_version', { simple: true }), 2);
      assert.deepEqual(migrateAppSchema(db), [], "the reference app's migrations see their tables as current");
      assert.ok(!indexes(db).some((i) => /^(queue_jobs|job_runs)_/.test(i)), '0.1 index names are replaced');
      assert.ok(indexes(db).includes('nightshift_queue_jobs_ready_by_type'));

      const run = (await store.runs.get(runId))!;
      assert.deepEqual({ name: run.name, status: run.status, details: run.details, durationMs: run.durationMs }, {
        name: 'cleanupPreviewSessions',
        status: 'success',
        details: { expiredCount: 3 },
        durationMs: 100,
      });
      assert.equal((await store.jobs.get(jobId))!.idempotencyKey, 'key-1');
      assert.equal((await store.leader.read())!.owner, 'old:1:a');
      assert.equal((await store.schedules.firstSeen(['cleanupPreviewSessions'])).get('cleanupPreviewSessions'), 500);
      assert.equal((db.prepare(`SELECT count(*) AS n FROM preview_sessions`).get() as { n: number }).n, 1);

      const { claimed } = await store.jobs.tick({
        now: 3_000, owner: 'new:1:b', leaseMs: 1_000, endings: [], planEnding: () => assert.fail(), openRuns: [], progress: [],
        claim: { room: 5, caps: new Map(), types: ['cleanupPreviewSessions', 'system.ping', 'test.echo'], place: (c) => c },
      });
      assert.deepEqual(claimed.map((c) => c.id), [jobId], 'the pending 0.1 job is claimed from the upgraded table');
    } finally {
      store.close();
    }
  });
});

describe('a schema newer than this Nightshift', () => {
  function newerDatabase(): void {
    const store = openSqliteStore(path);
    store.migrate();
    store.db.prepare(`INSERT INTO nightshift_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)`).run();
    store.close();
  }

  test('is refused before anything is written, naming both versions', () => {
    newerDatabase();
    const before = sha(path);
    const store = openSqliteStore(path);
    try {
      assert.throws(
        () => store.migrate(),
        (err: unknown) =>
          err instanceof SchemaTooNewError && err.found === 99 && err.supported === latestVersion() && err.message.includes(path) && /version 99/.test(err.message),
      );
    } finally {
      store.close();
    }
    assert.equal(sha(path), before, 'the file is byte for byte the same');
  });

  test('the reference app exits 1 with one line naming the path and both versions', () => {
    newerDatabase();
    const before = sha(path);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/server.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: path, JOBS_ENABLED: 'false', NODE_ENV: 'development', LOG_FORMAT: 'pretty', JWT_SECRET: 'x'.repeat(40) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim() !== '');
    assert.equal(result.status, 1, `exit code (output: ${lines.join(' | ')})`);
    assert.equal(lines.length, 1, `one line: ${lines.join(' | ')}`);
    assert.match(lines[0]!, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*version 99.*version ${latestVersion()}`));
    assert.doesNotMatch(lines[0]!, /listening|\s+at /);
    assert.equal(sha(path), before, 'nothing was written');
  });
});
