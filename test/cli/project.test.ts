// The CLI installed in an app, not in this repo: the real bin run in a temp "host app" folder with
// its own nightshift.config.json, database and jobs. It must find that app's files from the app's
// folder or any subfolder, let the env override the file, refuse paths inside node_modules, say how
// to configure itself when nothing is configured, and reach routes mounted at a base path.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Hono } from 'hono';
import { verify } from 'hono/jwt';
import { createNightshift, type Nightshift } from '../../src/index.ts';
import { listen, type Listening } from '../../src/http/listen.ts';
import { TEST_SECRET } from '../helpers/index.ts';
import { cli, explain } from './helpers.ts';

const JOB = `export default { name: 'host.nightlyReport', description: 'The host app report', schedule: '0 2 * * *', run: () => ({ ok: true }) };\n`;
const OTHER_JOB = `export default { name: 'other.job', description: 'Another folder', schedule: '0 4 * * *', run: () => ({}) };\n`;
const CONFIG = {
  database: 'var/app.db',
  jobs: 'jobs',
  url: 'https://app.example.com/',
  basePath: '/admin/jobs',
  jwtSecretFile: 'var/jwt-secret',
};

let root: string;
let app: string;

function writeJson(file: string, value: unknown) {
  writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A database migrated by the library itself, as the host app's first start would create it. */
async function createDatabase(database: string, jobs: string) {
  const ns = createNightshift({ database, jobs, enabled: false, logLevel: 'silent' });
  await ns.start();
  await ns.stop();
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'nightshift-host-'));
  app = join(root, 'app');
  for (const dir of ['jobs', 'var', 'other-jobs', 'src/deep']) mkdirSync(join(app, dir), { recursive: true });
  writeFileSync(join(app, 'jobs', 'nightly-report.mjs'), JOB);
  writeFileSync(join(app, 'other-jobs', 'other-job.mjs'), OTHER_JOB);
  writeFileSync(join(app, 'var', 'jwt-secret'), TEST_SECRET + '\n');
  writeJson(join(app, 'nightshift.config.json'), CONFIG);
  await createDatabase(join(app, 'var', 'app.db'), join(app, 'jobs'));
  await createDatabase(join(app, 'other.db'), join(app, 'other-jobs'));
});

after(() => rmSync(root, { recursive: true, force: true }));

const jobNames = (view: { jobs: { name: string }[] }) => view.jobs.map((j) => j.name).sort();

test("status in the app's folder: that app's database and jobs, from nightshift.config.json", async () => {
  const r = await cli(['status', '--json'], { cwd: app });
  assert.equal(r.code, 0, explain(r));
  const view = r.json();
  assert.equal(view.mode, 'local');
  assert.equal(view.target, join(app, 'var', 'app.db'));
  assert.deepEqual(jobNames(view), ['host.nightlyReport']);

  const table = await cli(['status'], { cwd: app });
  assert.equal(table.code, 0, explain(table));
  assert.match(table.stdout, new RegExp(`^Target\\s+${join(app, 'var', 'app.db')} \\(local database\\)$`, 'm'));
  assert.match(table.stdout, /^host\.nightlyReport\s+0 2 \* \* \*/m);
});

test('a subfolder of the app finds the same config file (paths stay relative to the file)', async () => {
  const r = await cli(['status', '--json'], { cwd: join(app, 'src', 'deep') });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.json().target, join(app, 'var', 'app.db'));
  assert.deepEqual(jobNames(r.json()), ['host.nightlyReport']);
});

test('the env overrides the file; its relative paths resolve against the current directory', async () => {
  const r = await cli(['status', '--json'], { cwd: app, env: { NIGHTSHIFT_DATABASE: 'other.db', NIGHTSHIFT_JOBS: 'other-jobs' } });
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.json().target, join(app, 'other.db'));
  assert.deepEqual(jobNames(r.json()), ['other.job']);
});

test('a database or jobs folder inside node_modules is refused (exit 2), from the file or the env', async () => {
  const dir = join(root, 'bad');
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'nightshift.config.json'), { database: 'node_modules/nightshift/data/nightshift.db', jobs: 'jobs' });
  const fromFile = await cli(['status'], { cwd: dir });
  assert.equal(fromFile.code, 2, explain(fromFile));
  assert.match(fromFile.stderr, /^nightshift: The database resolves inside node_modules \(.*node_modules\/nightshift\/data\/nightshift\.db, from database in .*nightshift\.config\.json\)/);
  assert.equal(existsSync(join(dir, 'node_modules')), false, 'nothing was created');

  const fromEnv = await cli(['status'], { cwd: app, env: { NIGHTSHIFT_JOBS: 'node_modules/some-package/jobs' } });
  assert.equal(fromEnv.code, 2, explain(fromEnv));
  assert.match(fromEnv.stderr, /^nightshift: The jobs folder resolves inside node_modules \(.*, from NIGHTSHIFT_JOBS\)/);
});

test('no config file and no env: the CLI says how to configure it (exit 2) and creates nothing', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'nightshift-empty-'));
  try {
    const r = await cli(['status', '--json'], { cwd: empty });
    assert.equal(r.code, 2, explain(r));
    assert.match(r.stderr, /^nightshift: Nightshift does not know where the app's database and jobs are: no nightshift\.config\.json in .* or any folder above it\. Create nightshift\.config\.json .* or set NIGHTSHIFT_DATABASE and NIGHTSHIFT_JOBS/);
    assert.equal(r.json().code, 'NOT_CONFIGURED');
    assert.deepEqual(readdirSync(empty), []);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test('token: the sign-in link is under the configured URL and base path, or --url, or NIGHTSHIFT_PUBLIC_URL', async () => {
  const configured = await cli(['token', '--json'], { cwd: app });
  assert.equal(configured.code, 0, explain(configured));
  const minted = configured.json();
  assert.equal((await verify(minted.token, TEST_SECRET, 'HS256')).role, 'admin', 'signed with jwtSecretFile');
  assert.equal(minted.signInUrl, `https://app.example.com/admin/jobs/sign-in#token=${minted.token}`);

  const flag = await cli(['token', '--url', 'http://localhost:4000', '--json'], { cwd: app });
  assert.equal(flag.json().signInUrl, `http://localhost:4000/admin/jobs/sign-in#token=${flag.json().token}`);

  const env = { NIGHTSHIFT_PUBLIC_URL: 'https://ops.example.com', NIGHTSHIFT_DASHBOARD_PATH: '/board' };
  const fromEnv = await cli(['token', '--json'], { cwd: app, env });
  assert.equal(fromEnv.json().signInUrl, `https://ops.example.com/admin/jobs/board/sign-in#token=${fromEnv.json().token}`);
});

test('an invalid config file is a usage error naming the key', async () => {
  const dir = join(root, 'typo');
  mkdirSync(dir, { recursive: true });
  writeJson(join(dir, 'nightshift.config.json'), { databse: 'x.db', jobs: 'jobs' });
  const r = await cli(['status'], { cwd: dir });
  assert.equal(r.code, 2, explain(r));
  assert.match(r.stderr, /nightshift\.config\.json: databse: /);
});

test('--url against an app that mounts the routes at a base path: the API is reached under it', async () => {
  const ns: Nightshift = createNightshift({ database: join(app, 'var', 'app.db'), jobs: join(app, 'jobs'), workers: 0, logLevel: 'silent' });
  const host = new Hono();
  host.get('/', (c) => c.text('the host app'));
  host.route('/admin/jobs', ns.routes({ jwtSecret: TEST_SECRET }));
  await ns.start();
  let server: Listening | undefined;
  try {
    server = await listen(host, { host: '127.0.0.1', port: 0 });
    // The token is signed by the CLI itself (a server on this host) with the app's jwtSecretFile.
    const r = await cli(['--url', server.url, 'status', '--json'], { cwd: app });
    assert.equal(r.code, 0, explain(r));
    const view = r.json();
    assert.equal(view.mode, 'remote');
    assert.equal(view.target, `${server.url}/admin/jobs`);
    assert.deepEqual(jobNames(view), ['host.nightlyReport']);

    // Without the base path the CLI would knock at the host app's own routes.
    const atRoot = await cli(['--url', server.url, 'status'], { cwd: app, env: { NIGHTSHIFT_BASE_PATH: '/' } });
    assert.equal(atRoot.code, 5, explain(atRoot));
    assert.match(atRoot.stderr, /did not answer like a Nightshift server \(HTTP 404 to GET \/api\/jobs\/status\)/);
  } finally {
    await server?.close(1_000);
    await ns.stop();
  }
});
