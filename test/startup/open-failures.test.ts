// A bad DATABASE_PATH or JOBS_TIMEZONE stops start-up cleanly: openDatabase() throws a
// DatabaseOpenError naming the path and the cause and leaves the file as it was, and the real
// server exits 1 with exactly one line, no stack trace and no "listening".
// Root ignores permission bits, so the permission cases run as an unprivileged user when the tests
// run as root (skipped only when switching user is impossible, and never skipped when CI=true).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DatabaseOpenError, openDatabase } from '../../src/store/sqlite/open.ts';
import { REPO_ROOT } from '../helpers/index.ts';

const IS_ROOT = process.getuid?.() === 0;
const JWT_SECRET = 'startup-test-secret-of-32-bytes-or-more!!';
const CHILD_SCRIPT = join(REPO_ROOT, 'test', 'fixtures', 'open-database-child.ts');

// --- Running as an unprivileged user -------------------------------------------------------------

interface OtherUser {
  uid: number;
  gid: number;
  /** Command prefix that runs the rest of the command line as this user. */
  prefix: string[];
}

let otherUser: OtherUser | string | undefined;

/** `nobody` through setpriv, or why that cannot work here (memoised: it spawns). */
function findUnprivilegedUser(): OtherUser | string {
  if (otherUser !== undefined) return otherUser;
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
    const prefix = ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups'];
    const probe = spawnSync(prefix[0]!, [...prefix.slice(1), 'id', '-u'], { encoding: 'utf8' });
    if (probe.status !== 0 || probe.stdout.trim() !== String(uid)) throw new Error(`setpriv failed: ${probe.stderr || probe.error?.message}`);
    otherUser = { uid, gid, prefix };
  } catch (err) {
    otherUser = `cannot run as an unprivileged user (${(err as Error).message.split('\n')[0]})`;
  }
  return otherUser;
}

/**
 * Who a permission case runs as: ourselves when not root; `nobody` when root. Undefined means the
 * test was skipped; in CI a missing user switch fails instead, so the cases cannot silently vanish.
 */
function permissionRunner(t: TestContext): OtherUser | null | undefined {
  if (!IS_ROOT) return null;
  const user = findUnprivilegedUser();
  if (typeof user !== 'string') return user;
  if (process.env.CI === 'true') assert.fail(`running as root and ${user}; permission cases cannot be checked`);
  t.skip(`running as root, where permission bits do not apply, and ${user}`);
  return undefined;
}

// --- Temporary folders with modes restored afterwards --------------------------------------------

class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'nightshift-startup-'));
  private readonly modes: Array<[string, number]> = [];

  /** `owner`: the unprivileged user the case runs as; everything here becomes theirs. */
  constructor(private readonly owner: OtherUser | null = null) {
    this.own(this.dir);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  file(name: string, content: string | Buffer): string {
    const path = this.path(name);
    writeFileSync(path, content);
    this.own(path);
    return path;
  }

  folder(name: string): string {
    const path = this.path(name);
    mkdirSync(path);
    this.own(path);
    return path;
  }

  /** A real database with a table and a row, closed (so WAL is checkpointed into the file). */
  database(name: string): string {
    const path = this.path(name);
    const db = openDatabase(path);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    this.own(path);
    return path;
  }

  chmod(path: string, mode: number): void {
    this.modes.push([path, statSync(path).mode & 0o7777]);
    chmodSync(path, mode);
  }

  cleanup(): void {
    // Put modes back first: without root, a read-only folder's files cannot be removed.
    for (const [path, mode] of this.modes.reverse()) chmodSync(path, mode);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private own(path: string): void {
    if (this.owner) chownSync(path, this.owner.uid, this.owner.gid);
  }
}

/** Everything under the workspace with each file's bytes and mtime: equal before and after = untouched. */
function snapshot(ws: Workspace): string {
  const entries = (readdirSync(ws.dir, { recursive: true }) as string[]).sort();
  return JSON.stringify(
    entries.map((name) => {
      const stats = statSync(ws.path(name));
      return stats.isFile() ? [name, stats.mtimeMs, createHash('sha256').update(readFileSync(ws.path(name))).digest('hex')] : [name, 'folder'];
    }),
  );
}

// --- The cases ----------------------------------------------------------------------------------

interface Case {
  name: string;
  /** Builds the case; returns the DATABASE_PATH to start with. */
  build(ws: Workspace): string;
  /** What the one line must say besides the path. */
  cause: RegExp;
  /** Depends on permission bits, which root ignores. */
  permissions?: boolean;
}

const JUNK = (bytes: number) => Buffer.alloc(bytes, 'garbage!');

function overwrite(path: string, offset: number, junk: Buffer): void {
  const bytes = readFileSync(path);
  junk.copy(bytes, offset);
  writeFileSync(path, bytes);
}

const cases: Case[] = [
  {
    name: 'a text file',
    build: (ws) => ws.file('notes.db', 'these are my notes, not a database\n'),
    cause: /: the file is not a SQLite database$/,
  },
  {
    name: 'a database whose header is overwritten with junk',
    build: (ws) => {
      const path = ws.database('garbled-header.db');
      overwrite(path, 0, JUNK(100));
      return path;
    },
    cause: /: the file is not a SQLite database$/,
  },
  {
    name: 'a database whose first page is overwritten with junk (header intact)',
    build: (ws) => {
      const path = ws.database('garbled-page.db');
      overwrite(path, 100, JUNK(1000));
      return path;
    },
    cause: /: the database is damaged \(database disk image is malformed\)$/,
  },
  {
    name: 'a database whose header fields are junk after the magic string',
    build: (ws) => {
      const path = ws.database('garbled-fields.db');
      overwrite(path, 16, JUNK(84));
      return path;
    },
    cause: /: the database is damaged \(.+\)$/,
  },
  {
    name: 'a read-only database file (chmod 444)',
    build: (ws) => {
      const path = ws.database('readonly.db');
      ws.chmod(path, 0o444);
      return path;
    },
    cause: /: it is a read-only file$/,
    permissions: true,
  },
  {
    name: 'a database in a read-only folder',
    build: (ws) => {
      const folder = ws.folder('locked');
      const path = ws.database('locked/app.db');
      ws.chmod(folder, 0o555);
      return path;
    },
    cause: /: the folder \S+\/locked is not writable$/,
    permissions: true,
  },
  {
    name: 'a new database in a folder without write permission',
    build: (ws) => {
      const folder = ws.folder('no-write');
      ws.chmod(folder, 0o555);
      return join(folder, 'new.db');
    },
    cause: /: the folder \S+\/no-write is not writable$/,
    permissions: true,
  },
  {
    name: 'a path that is a directory',
    build: (ws) => ws.folder('a-folder.db'),
    cause: /: it is a directory$/,
  },
  {
    name: 'a path whose parent is a file',
    build: (ws) => join(ws.file('file.txt', 'plain text\n'), 'db.sqlite'),
    cause: /: its parent \S+\/file\.txt is not a folder$/,
  },
];

interface OpenOutcome {
  opened: boolean;
  isOpenError?: boolean;
  name?: string;
  message?: string;
  path?: string;
}

/** openDatabase(path) here, or in a child process as `user`. */
function tryOpen(path: string, user: OtherUser | null): OpenOutcome {
  if (user) {
    const [command, ...args] = [...user.prefix, process.execPath, '--import', 'tsx', CHILD_SCRIPT, path];
    const child = spawnSync(command!, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.status, 0, `child failed:\n${child.stdout}${child.stderr}`);
    return JSON.parse(child.stdout.trim()) as OpenOutcome;
  }
  try {
    openDatabase(path).close();
    return { opened: true };
  } catch (err) {
    const isOpenError = err instanceof DatabaseOpenError;
    return { opened: false, isOpenError, name: (err as Error).name, message: (err as Error).message, path: isOpenError ? err.path : undefined };
  }
}

interface StartResult {
  code: number | null;
  output: string;
  lines: string[];
}

/** The real `npm start` entry point, with `env` on top of a minimal development environment. */
function startServer(env: Record<string, string>, user: OtherUser | null = null): Promise<StartResult> {
  const fullEnv: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', JOBS_ENABLED: 'false', NODE_ENV: 'development', JWT_SECRET, ...env };
  delete fullEnv.NODE_TEST_CONTEXT;
  delete fullEnv.LOG_FORMAT;
  if (env.LOG_FORMAT) fullEnv.LOG_FORMAT = env.LOG_FORMAT;
  const [command, ...args] = [...(user?.prefix ?? []), process.execPath, '--import', 'tsx', 'src/app/server.ts'];
  const child = spawn(command!, args, { cwd: REPO_ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  // A server that wrongly starts would listen forever: kill it so the assertions can say so.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, lines: output.split('\n').filter((line) => line.trim() !== '') });
    }),
  );
}

function assertOneLineFailure(result: StartResult, mustMention: string, cause?: RegExp): void {
  const context = `output was:\n${result.output}`;
  assert.equal(result.code, 1, `exit code; ${context}`);
  assert.equal(result.lines.length, 1, `exactly one line; ${context}`);
  const [line] = result.lines as [string];
  assert.ok(line.includes(mustMention), `the line names ${mustMention}; ${context}`);
  if (cause) assert.match(line, cause);
  assert.doesNotMatch(result.output, /^\s+at /m, `no stack frames; ${context}`);
  assert.doesNotMatch(result.output, /listening/i, `nothing listens; ${context}`);
}

// --- Tests ---------------------------------------------------------------------------------------

for (const c of cases) {
  test(`openDatabase refuses ${c.name}, naming the path and the cause, and leaves it untouched`, { timeout: 60_000 }, (t) => {
    const user = c.permissions ? permissionRunner(t) : null;
    if (user === undefined) return;
    const ws = new Workspace(user);
    try {
      const path = c.build(ws);
      const before = snapshot(ws);
      const outcome = tryOpen(path, user);
      assert.equal(outcome.opened, false, 'the open must fail');
      assert.equal(outcome.isOpenError, true, `a DatabaseOpenError, got ${outcome.name}: ${outcome.message}`);
      assert.equal(outcome.name, 'DatabaseOpenError');
      assert.equal(outcome.path, path);
      assert.ok(outcome.message!.startsWith(`Cannot open database ${path}: `), outcome.message);
      assert.match(outcome.message!, c.cause);
      assert.doesNotMatch(outcome.message!, /\n/);
      assert.equal(snapshot(ws), before, 'nothing under the folder was written, created or touched');
    } finally {
      ws.cleanup();
    }
  });

  test(`the server started on ${c.name} exits 1 with one line naming the path`, { timeout: 60_000 }, async (t) => {
    const user = c.permissions ? permissionRunner(t) : null;
    if (user === undefined) return;
    const ws = new Workspace(user);
    try {
      const path = c.build(ws);
      const before = snapshot(ws);
      assertOneLineFailure(await startServer({ DATABASE_PATH: path }, user), path, c.cause);
      assert.equal(snapshot(ws), before, 'nothing under the folder was written, created or touched');
    } finally {
      ws.cleanup();
    }
  });
}

test('with LOG_FORMAT=json the failure is one JSON line with the message and no stack', { timeout: 60_000 }, async () => {
  const ws = new Workspace();
  try {
    const path = ws.file('notes.db', 'not a database\n');
    const result = await startServer({ DATABASE_PATH: path, LOG_FORMAT: 'json' });
    assertOneLineFailure(result, path);
    const record = JSON.parse(result.lines[0]!) as Record<string, unknown>;
    assert.equal(record.level, 'error');
    assert.equal(record.msg, `Cannot open database ${path}: the file is not a SQLite database`);
    assert.equal(record.stack, undefined);
  } finally {
    ws.cleanup();
  }
});

test('an unknown JOBS_TIMEZONE stops start-up with one line naming it, before the database is opened', { timeout: 60_000 }, async () => {
  const ws = new Workspace();
  try {
    const path = ws.path('data', 'never-created.db');
    const result = await startServer({ DATABASE_PATH: path, JOBS_TIMEZONE: 'Mars/Olympus' });
    assertOneLineFailure(result, 'JOBS_TIMEZONE', /Mars\/Olympus/);
    assert.equal(existsSync(ws.path('data')), false, 'the database folder was not even created');
  } finally {
    ws.cleanup();
  }
});

test('good paths still open: missing parent folders are created, an empty file is a new database, :memory: works', () => {
  const ws = new Workspace();
  try {
    const nested = ws.path('a', 'b', 'app.db');
    const db = openDatabase(nested);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    db.close();

    const empty = ws.file('empty.db', '');
    openDatabase(empty).close();

    const existing = ws.database('existing.db');
    const reopened = openDatabase(existing);
    assert.deepEqual(reopened.prepare('SELECT body FROM notes').all(), [{ body: 'keep me' }]);
    reopened.close();

    const readonly = openDatabase(existing, { readonly: true });
    assert.equal(readonly.readonly, true);
    readonly.close();

    openDatabase(':memory:').close();
  } finally {
    ws.cleanup();
  }
});

test('a database a crash left with a hot rollback journal is not mistaken for a broken one', { timeout: 30_000 }, () => {
  // A read-only connection cannot roll the journal back and fails; the real connection does roll it back.
  const ws = new Workspace();
  try {
    const path = ws.path('crashed.db');
    const crash = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(path)});
      db.pragma('journal_mode = DELETE');
      db.pragma('cache_size = 1'); // spill the open transaction into the file before the "crash"
      db.exec('CREATE TABLE notes (body TEXT)');
      db.exec('BEGIN');
      const insert = db.prepare('INSERT INTO notes VALUES (?)');
      for (let i = 0; i < 5000; i++) insert.run('x'.repeat(100));
      process.exit(0);`;
    const child = spawnSync(process.execPath, ['-e', crash], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.ok(existsSync(`${path}-journal`), 'the crash left a hot journal');
    const db = openDatabase(path);
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM notes').get(), { n: 0 }, 'the unfinished transaction was rolled back');
    db.close();
  } finally {
    ws.cleanup();
  }
});

test('as root, files and folders that are really read-only (chattr +i) are refused too', { timeout: 30_000 }, (t) => {
  // Root writes through chmod 444, but not through the immutable flag; access(W_OK) reports it.
  if (!IS_ROOT) return t.skip('only meaningful as root; the permission cases above cover other users');
  const ws = new Workspace();
  const immutable: string[] = [];
  const setImmutable = (path: string) => {
    const result = spawnSync('chattr', ['+i', path], { encoding: 'utf8' });
    if (result.status !== 0) return false;
    immutable.push(path);
    return true;
  };
  try {
    const file = ws.database('immutable.db');
    const folder = ws.folder('immutable-folder');
    if (!setImmutable(file) || !setImmutable(folder)) return t.skip('chattr +i is not available on this filesystem');
    const before = snapshot(ws);
    assert.throws(() => openDatabase(file), (err: Error) => err instanceof DatabaseOpenError && err.message === `Cannot open database ${file}: it is a read-only file`);
    assert.throws(() => openDatabase(join(folder, 'new.db')), (err: Error) => err instanceof DatabaseOpenError && err.message.endsWith(`the folder ${folder} is not writable`));
    assert.equal(snapshot(ws), before);
  } finally {
    for (const path of immutable) spawnSync('chattr', ['-i', path]);
    ws.cleanup();
  }
});
