// The packed tarball in a host app, as a user gets it: `npm pack` the repo, install the tarball into
// a temp app with its peers from the registry, and start the app (test/fixtures/host-app/) with plain
// `node`. The host is plain JavaScript: Hono + better-sqlite3, its own PRAGMA user_version migrations
// (version 2, an `orders` table) and a jobs folder. Then:
//   - the host's schema is intact, no table of the reference app exists, Nightshift's tables do;
//   - a job file from the host's folder runs on its cron (every second) and by run-now, in a worker thread;
//   - ns.enqueue inside the host's db.transaction commits with the order, and rolls back with it;
//   - the dashboard at /admin/jobs loads in Chromium, signed in by the host's authorize (a cookie),
//     every response 200 and under the mount;
//   - the process listens on the host's port only;
//   - a TypeScript host type-checks against the package's declarations under tsc --strict;
//   - an Express 5 host (the recipe of docs/express.md) serves the mounted dashboard and API.
//
// Install time: better-sqlite3's install script compiles it (about a minute on this 2-core host), so
// the install runs with --ignore-scripts and the same better-sqlite3 version as the repo's, and the
// repo's compiled binding is copied in (the same Node, the same version: the same file a rebuild
// would produce). NIGHTSHIFT_PACK_BUILD_SQLITE=1 runs the install scripts instead.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium } from '../dashboard/runtime-helpers.ts';
import { REPO_ROOT, waitFor } from '../helpers/index.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'host-app');
const ADMIN = { 'x-host-user': 'alice' };

const browserAvailable = chromiumAvailable();
if (!browserAvailable && process.env.CI === 'true') {
  throw new Error(`Chromium is required in CI but was not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
}
const skipBrowser = browserAvailable ? false : `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package to run the browser check`;

/** The environment of a plain `node`: no inherited loader flags, not a child of the test runner. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function run(command: string, args: string[], cwd: string, timeout = 240_000) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd, env: plainEnv(), encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return { ...result, ms: performance.now() - started };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let work: string;
let app: string;
const setup: string[] = [];
const started = performance.now();

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'nightshift-host-'));
  app = join(work, 'app');
  mkdirSync(app);

  // npm pack runs prepack (npm run build): the tarball is what `npm publish` would upload.
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], REPO_ROOT);
  const [packed] = JSON.parse(pack.stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number }[];
  const tarball = join(work, packed!.filename);
  setup.push(`npm pack (with the build): ${seconds(pack.ms)}; tarball ${(packed!.size / 1024).toFixed(1)} KiB, ${(packed!.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${packed!.entryCount} files`);

  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'host-app', private: true, type: 'module' }, null, 2));
  const sqliteVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
  const buildSqlite = process.env.NIGHTSHIFT_PACK_BUILD_SQLITE === '1';
  const install = run('npm', [
    'install', '--no-audit', '--no-fund', '--prefer-offline', ...(buildSqlite ? [] : ['--ignore-scripts']),
    tarball, 'hono@4', '@hono/node-server', `better-sqlite3@${buildSqlite ? '12' : sqliteVersion}`, 'express@5', 'zod@4',
    // For the TypeScript host only.
    // No @types/better-sqlite3 here: the package depends on it (its declarations use it).
    '@types/node@20',
  ], app);
  if (!buildSqlite) {
    const release = join(app, 'node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), join(release, 'better_sqlite3.node'));
  }
  setup.push(`npm install (tarball, hono, @hono/node-server, better-sqlite3, express, zod, @types/*${buildSqlite ? ', compiling better-sqlite3' : ', better-sqlite3 binding copied from the repo'}): ${seconds(install.ms)}`);

  cpSync(FIXTURES, app, { recursive: true });
}, { timeout: 300_000 });


// ---------------------------------------------------------------------------------------------
// The host process

interface Host {
  url: string;
  port: number;
  pid: number;
  ready: { execArgv: string[]; userVersion?: number };
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after 15 s). */
  stop(): Promise<number | null>;
}

// Also on failure: every host still running is killed, then the temp folder (app, tarball) removed.
const children = new Map<ChildProcess, Promise<unknown>>();
after(async () => {
  for (const child of children.keys()) child.kill('SIGKILL');
  await Promise.all(children.values());
  if (work) rmSync(work, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `node <script> <database> <port>` in the app folder, as a user starts it: no flags. */
async function startHost(script: string, database: string): Promise<Host> {
  const port = await freePort();
  const child = spawn(process.execPath, [script, join(app, database), String(port)], { cwd: app, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  children.set(child, exited);
  exited.then(() => children.delete(child));
  let exitCode: number | null | undefined;
  exited.then((code) => (exitCode = code));
  const line = await waitFor(
    () => {
      if (exitCode !== undefined) throw new Error(`${script} exited ${exitCode} before it was ready:\n${output}`);
      return output.split('\n').find((l) => l.startsWith('{"ready":true'));
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `${script} to print its ready line` },
  );
  const ready = JSON.parse(line) as Host['ready'] & { port: number; pid: number };
  return {
    url: `http://127.0.0.1:${ready.port}`,
    port: ready.port,
    pid: child.pid!,
    ready,
    output: () => output,
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * The TCP ports a process listens on and the UDP ports it has bound: its sockets (the inodes behind
 * /proc/<pid>/fd) looked up in /proc/net/{tcp,tcp6,udp,udp6}. Worker threads share the process's fds.
 */
function boundPorts(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      /* closed meanwhile */
    }
  }
  const ports: string[] = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const rows = readFileSync(`/proc/net/${proto}`, 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      // TCP: LISTEN (0A) only; an established connection (our own fetch) is not an open port.
      if (!inodes.has(inode!) || (proto.startsWith('tcp') && state !== '0A')) continue;
      ports.push(`${proto}:${parseInt(local!.split(':')[1]!, 16)}`);
    }
  }
  return ports.sort();
}

async function json<T = any>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 300)}`);
  }
}

/** The host's database file, read-only from the test (a second connection, as any tool would open it). */
function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(app, file), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------

test('pack and install', (t) => {
  for (const line of setup) t.diagnostic(line);
  assert.ok(existsSync(join(app, 'node_modules', 'nightshift', 'dist', 'index.js')), 'the tarball is installed');
  assert.ok(!existsSync(join(app, 'node_modules', 'nightshift', 'src')), 'no sources in the package');
});

describe('plain-JS Hono host started with plain node', () => {
  let host: Host;
  before(async () => {
    host = await startHost('server.mjs', 'host.db');
  });
  after(async () => {
    await host?.stop();
  });

  test('runs under plain node; the host schema is intact beside Nightshift tables, and no demo table exists', () => {
    assert.deepEqual(host.ready.execArgv, [], 'no --import tsx, no loader flags');
    assert.equal(host.ready.userVersion, 2, 'the host migrated itself to version 2');
    const schema = readDb('host.db', (db) => ({
      userVersion: db.pragma('user_version', { simple: true }),
      tables: (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name),
      orderColumns: (db.prepare(`SELECT name FROM pragma_table_info('orders') ORDER BY cid`).all() as { name: string }[]).map((r) => r.name),
    }));
    assert.equal(schema.userVersion, 2, 'Nightshift did not touch PRAGMA user_version');
    assert.deepEqual(schema.orderColumns, ['id', 'item', 'created_at', 'quantity'], 'orders as the host made it');
    for (const demo of ['preview_sessions', 'i18n_cache', 'requests']) assert.ok(!schema.tables.includes(demo), `no ${demo} table`);
    for (const own of ['nightshift_migrations', 'nightshift_job_runs', 'nightshift_queue_jobs']) assert.ok(schema.tables.includes(own), `${own} exists`);
    assert.deepEqual(schema.tables.filter((n) => !n.startsWith('nightshift_')), ['orders'], 'nothing else beside the host\'s table');
  });

  test('a job file from the host\'s folder runs on its schedule and by run-now, in a worker thread', async () => {
    // Every second (6-field cron): a scheduled, successful run shows up in the ledger.
    const scheduled = await waitFor(async () => {
      const { runs } = await json<{ runs: any[] }>(await fetch(`${host.url}/admin/jobs/api/jobs/runs?name=host.tick&trigger=schedule&status=success`, { headers: ADMIN }));
      return runs[0];
    }, { timeoutMs: 20_000, intervalMs: 200, what: 'a scheduled run of host.tick' });
    assert.equal(scheduled.details.isMainThread, false, 'in a worker thread');
    assert.ok(scheduled.details.threadId > 0);
    assert.equal(scheduled.details.pid, host.pid, 'of the host\'s process');

    // The same row, read from the file.
    const row = readDb('host.db', (db) => db.prepare(`SELECT status, trigger, details FROM nightshift_job_runs WHERE id = ?`).get(scheduled.id)) as { status: string; trigger: string; details: string };
    assert.deepEqual({ status: row.status, trigger: row.trigger, isMainThread: JSON.parse(row.details).isMainThread }, { status: 'success', trigger: 'schedule', isMainThread: false });

    // Run now through the mounted API, signed in by the host's authorize. A scheduled run may be
    // going at that very moment (409): then try again.
    assert.equal((await fetch(`${host.url}/admin/jobs/api/jobs/run/host.tick`, { method: 'POST' })).status, 401, 'authorize says no without the host\'s user');
    const ran = await waitFor(async () => {
      const response = await fetch(`${host.url}/admin/jobs/api/jobs/run/host.tick`, { method: 'POST', headers: ADMIN });
      if (response.status === 409) return undefined;
      assert.equal(response.status, 200, await response.clone().text());
      return json(response);
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'a run-now of host.tick' });
    assert.equal(ran.result.status, 'success');
    assert.equal(ran.result.details.isMainThread, false);
    assert.equal(ran.result.details.pid, host.pid);
    const { run } = await json(await fetch(`${host.url}/admin/jobs/api/jobs/runs/${ran.runId}`, { headers: ADMIN }));
    assert.equal(run.trigger, 'manual');
  });

  test('enqueue inside the host\'s transaction commits with the order and rolls back with it', async () => {
    const order = (item: string, fail = false) =>
      fetch(`${host.url}/orders${fail ? '?fail=1' : ''}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item }) });

    const committed = await order('green tea');
    assert.equal(committed.status, 201);
    const { orderId, jobId } = await json<{ orderId: number; jobId: string }>(committed);
    const job = await waitFor(async () => {
      const job = await json(await fetch(`${host.url}/admin/jobs/api/v1/jobs/${jobId}`, { headers: ADMIN }));
      return ['completed', 'failed'].includes(job.status) ? job : undefined;
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'the confirmation job to finish' });
    assert.equal(job.status, 'completed', job.lastError ?? '');
    assert.deepEqual(job.result, { confirmed: orderId, item: 'green tea', isMainThread: false }, 'the job saw the committed order, from a worker thread');

    const rolledBack = await order('declined item', true);
    assert.equal(rolledBack.status, 402);
    assert.deepEqual(await json(rolledBack), { error: 'payment declined' });

    const state = readDb('host.db', (db) => ({
      orders: db.prepare(`SELECT id, item FROM orders ORDER BY id`).all(),
      jobs: db.prepare(`SELECT id, json_extract(payload, '$.orderId') AS orderId FROM nightshift_queue_jobs WHERE type = 'host.confirmOrder'`).all(),
    }));
    assert.deepEqual(state.orders, [{ id: orderId, item: 'green tea' }], 'the rolled-back order is gone');
    assert.deepEqual(state.jobs, [{ id: jobId, orderId }], 'and so is its job: only the committed one exists');
  });

  test('the dashboard at /admin/jobs loads in Chromium, signed in by authorize, every response 200', { skip: skipBrowser, timeout: 90_000 }, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      // Signed out: the host's authorize answers null, so the dashboard refuses.
      const anonymous = await browser.newContext();
      const refused = await (await anonymous.newPage()).goto(`${host.url}/admin/jobs`);
      assert.equal(refused?.status(), 401);
      await anonymous.close();

      // Signed in the host's way: its cookie, read by its authorize hook.
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'host_user', value: 'alice', url: host.url }]);
      const page = await context.newPage();
      const responses: { url: string; status: number; type: string }[] = [];
      const problems: string[] = [];
      page.on('response', (r) => responses.push({ url: r.url(), status: r.status(), type: r.request().resourceType() }));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));

      const response = await page.goto(`${host.url}/admin/jobs`, { waitUntil: 'load' });
      assert.equal(response?.status(), 200);
      await page.locator('#scheduled-jobs tr[data-job="host.tick"]').waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle').catch(() => undefined); // the page polls; settle the first wave
      assert.match(await page.locator('body').innerText(), /alice/, 'the page shows who authorize said is signed in');

      const types = new Set(responses.map((r) => r.type));
      assert.ok(types.has('stylesheet') && types.has('script'), `stylesheets and scripts were loaded: ${[...types].join(', ')}`);
      const bad = responses.filter((r) => r.status !== 200 || !r.url.startsWith(`${host.url}/admin/jobs`));
      assert.deepEqual(bad, [], 'every response is a 200 under the mount');
      assert.deepEqual(problems, []);
      await context.close();
    } finally {
      await browser?.close();
    }
  });

  test('the host\'s port is the only one the process opened', () => {
    assert.deepEqual(boundPorts(host.pid), [`tcp:${host.port}`]);
  });

  test('SIGTERM: the host stops Nightshift and exits cleanly', async () => {
    assert.equal(await host.stop(), 0, host.output());
  });
});

describe('TypeScript host', () => {
  const tsc = (file: string) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--strict', '--noEmit', '--skipLibCheck', 'false', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', file], {
      cwd: app, encoding: 'utf8', timeout: 120_000,
    });

  test('type-checks against the package\'s declarations under tsc --strict (skipLibCheck off)', { timeout: 120_000 }, () => {
    const result = tsc('check.ts');
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  // An app that passes a file path (or never imports better-sqlite3 itself) installs no
  // @types/better-sqlite3 of its own (see the install above), yet the package's declarations use it
  // (JobContext.db is better-sqlite3's Database): the package brings it as a dependency.
  test('a TypeScript app that did not install @types/better-sqlite3 itself type-checks', { timeout: 120_000 }, (t) => {
    const ownDeps = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies ?? {};
    assert.equal(ownDeps['@types/better-sqlite3'], undefined, 'the host did not ask for it');
    writeFileSync(join(app, 'only-nightshift.ts'), `import { createNightshift, defineJob } from 'nightshift';
export const job = defineJob({ name: 'x', description: 'x', run: (ctx) => ({ changes: ctx.db.prepare('SELECT 1').run().changes }) });
export const ns = createNightshift({ database: 'app.db', jobs: [job] });
`);
    const result = tsc('only-nightshift.ts');
    if (result.status !== 0) t.diagnostic((result.stdout + result.stderr).trim().replace(/\n\s*/g, ' | '));
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

describe('Express 5 host (docs/express.md)', () => {
  let host: Host;
  before(async () => {
    host = await startHost('express.mjs', 'express.db');
  });
  after(async () => {
    await host?.stop();
  });

  test('the recipe in docs/express.md is the fixture, verbatim', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'express.md'), 'utf8');
    assert.ok(doc.includes(readFileSync(join(FIXTURES, 'express.mjs'), 'utf8')), 'docs/express.md shows test/fixtures/host-app/express.mjs as is');
  });

  test('serves the mounted dashboard, its assets and the API under /admin/jobs', async () => {
    assert.deepEqual(host.ready.execArgv, []);
    const page = await fetch(`${host.url}/admin/jobs`, { headers: ADMIN });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const html = await page.text();
    assert.match(html, /data-job="host\.tick"/, 'the dashboard lists the host\'s scheduled job');
    const assets = [...html.matchAll(/(?:href|src)="([^"#][^"]*\/assets\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    assert.ok(assets.some((a) => /\.css\b/.test(a)) && assets.some((a) => /\.js\b/.test(a)), `stylesheets and a script: ${assets.join(', ')}`);
    for (const asset of assets) {
      assert.ok(asset.startsWith('/admin/jobs/'), `${asset} is under the mount`);
      assert.equal((await fetch(`${host.url}${asset}`, { headers: ADMIN })).status, 200, asset);
    }

    const health = await fetch(`${host.url}/admin/jobs/api/health`, { headers: ADMIN });
    assert.equal(health.status, 200);
    assert.equal((await json(health)).status, 'ok');

    // authorize read what the host's Express middleware put on the request.
    assert.equal((await fetch(`${host.url}/admin/jobs`)).status, 401);
    // A POST goes through Express untouched (no body parser before the mount).
    const ran = await waitFor(async () => {
      const response = await fetch(`${host.url}/admin/jobs/api/jobs/run/host.tick`, { method: 'POST', headers: ADMIN });
      return response.status === 409 ? undefined : response;
    }, { timeoutMs: 20_000, intervalMs: 100, what: 'a run-now of host.tick' });
    assert.equal(ran.status, 200);
    assert.equal((await json(ran)).result.details.isMainThread, false);

    // The host's own routes and 404s are Express's.
    assert.equal(await (await fetch(`${host.url}/`)).text(), 'host home');
    assert.equal((await fetch(`${host.url}/admin/jobsx`, { headers: ADMIN })).status, 404);
    assert.deepEqual(boundPorts(host.pid), [`tcp:${host.port}`]);
    assert.equal(await host.stop(), 0, host.output());
  });
});

test('timings', (t) => {
  t.diagnostic(`whole file (pack, install and every check): ${seconds(performance.now() - started)}`);
});
