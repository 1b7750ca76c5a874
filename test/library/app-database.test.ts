// The app's own Database given to createNightshift: Nightshift's threads share the file, so it must
// be in WAL. A connection in a rollback journal is switched (one info line says so), one in WAL is
// left as it is, and one that cannot be switched (in-memory, read-only) makes start() reject with
// one line naming the database and the cause, before anything is written.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { createNightshift, DatabaseOpenError } from '../../src/index.ts';
import { captureLogs, REPO_ROOT } from '../helpers/index.ts';

const QUEUE_JOBS = join(REPO_ROOT, 'test', 'fixtures', 'queue-jobs');
const SWITCHED = 'Switched the app database to WAL journal mode for Nightshift';

/** An app database file in a temp dir, in the journal mode the app chose, with one table of its own. */
function appDatabase(t: TestContext, journalMode: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-appdb-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'app.db');
  const db = new Database(path);
  db.pragma(`journal_mode = ${journalMode}`);
  db.exec('CREATE TABLE orders (id TEXT PRIMARY KEY)');
  db.close();
  return path;
}

const tablesOf = (db: Database.Database) => (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

function nightshiftOn(t: TestContext, db: Database.Database) {
  const logs = captureLogs();
  const ns = createNightshift({ database: db, jobs: QUEUE_JOBS, logger: logs.pino, workers: 1, shutdownGraceMs: 1_000 });
  // Nightshift stops first: it leaves the app's connection open, and the app closes it.
  t.after(async () => {
    await ns.stop();
    db.close();
  });
  return { ns, logs };
}

test('an app database in a rollback journal is switched to WAL, with one info line, and works', { timeout: 30_000 }, async (t) => {
  const db = new Database(appDatabase(t, 'DELETE'));
  const { ns, logs } = nightshiftOn(t, db);
  await ns.start();
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  const lines = logs.records.filter((r) => r.msg === SWITCHED);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.level, 'info');
  assert.equal(lines[0]!.from, 'delete');
  assert.equal(lines[0]!.path, db.name);
  const { job } = ns.enqueue('test.echo', { value: 1 });
  assert.ok(await ns.queue.get(job.id));
  assert.ok(tablesOf(db).includes('orders'));
});

test('an app database already in WAL is left alone, without a line', { timeout: 30_000 }, async (t) => {
  const db = new Database(appDatabase(t, 'WAL'));
  const { ns, logs } = nightshiftOn(t, db);
  await ns.start();
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.deepEqual(logs.records.filter((r) => r.msg === SWITCHED), []);
});

test('an in-memory database is refused with one line: worker threads cannot open it', async (t) => {
  const db = new Database(':memory:');
  const { ns } = nightshiftOn(t, db);
  await assert.rejects(ns.start(), (err: Error) => {
    assert.ok(err instanceof DatabaseOpenError);
    assert.equal(err.message, 'Cannot open database :memory:: it is an in-memory database, which worker threads cannot open; give Nightshift a database file');
    assert.doesNotMatch(err.message, /\n/);
    return true;
  });
  assert.deepEqual(tablesOf(db), [], 'nothing was written');
});

test('a read-only connection is refused with one line, and its file is left as it was', async (t) => {
  const path = appDatabase(t, 'DELETE');
  const db = new Database(path, { readonly: true });
  const { ns } = nightshiftOn(t, db);
  await assert.rejects(ns.start(), (err: Error) => {
    assert.ok(err instanceof DatabaseOpenError);
    assert.equal(err.message, `Cannot open database ${path}: the connection is read-only, and Nightshift writes its tables through it`);
    return true;
  });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
  assert.deepEqual(tablesOf(db), ['orders'], 'nothing was written');
});

test('a connection inside an open transaction cannot be switched: refused, and the transaction is the app\'s to end', async (t) => {
  const db = new Database(appDatabase(t, 'DELETE'));
  const { ns } = nightshiftOn(t, db);
  db.exec('BEGIN');
  await assert.rejects(ns.start(), /: its journal mode is delete, not WAL, and it cannot be switched inside an open transaction$/);
  assert.equal(db.inTransaction, true);
  db.exec('ROLLBACK');
  assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
});
