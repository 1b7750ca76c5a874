// The published package: `npm run build` (scripts/build.mjs) compiles src/ to dist/, and what
// `npm pack` ships must run under plain `node`. These tests build the real dist/ once (the package
// is packed from there; the suites run with --test-concurrency=1, so nothing else touches it
// meanwhile), then check:
//   - the tarball holds only what runs (dist/, README.md, package.json), and its size;
//   - compiled worker threads start without tsx for a .js job file, and load it for a .ts one;
//   - the compiled server renders its .tsx pages and serves the copied assets;
//   - the declarations point only at .js/.d.ts paths and typecheck as a strict consumer sees them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, waitFor } from '../helpers/index.ts';

const DIST = join(REPO_ROOT, 'dist');

/** The environment of a plain `node`: no inherited loader flags, not a child of the test runner. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function run(command: string, args: string[], cwd = REPO_ROOT) {
  const result = spawnSync(command, args, { cwd, env: plainEnv(), encoding: 'utf8', timeout: 50_000, maxBuffer: 32 * 1024 * 1024 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

before(() => {
  run(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs')]);
});

test('the tarball holds only dist/, README.md and package.json', { timeout: 60_000 }, (t) => {
  // --ignore-scripts: prepack would build again; dist/ was just built.
  const { stdout } = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
  const [pack] = JSON.parse(stdout) as { size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  const paths = pack!.files.map((f) => f.path);
  const outside = paths.filter((p) => !p.startsWith('dist/') && p !== 'README.md' && p !== 'package.json');
  assert.deepEqual(outside, [], 'nothing from test/, bench/, docs/, jobs/, scripts/ or src/');
  assert.deepEqual(paths.filter((p) => p.startsWith('dist/app/')), [], 'the reference app is not part of the library');
  assert.deepEqual(paths.filter((p) => /\.tsx?$/.test(p) && !p.endsWith('.d.ts')), [], 'no TypeScript sources');
  assert.deepEqual(paths.filter((p) => p.endsWith('.tsbuildinfo') || p.endsWith('.test.js')), []);
  // What the code reads or starts at run time besides its modules.
  for (const needed of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/job.js',
    'dist/job.d.ts',
    'dist/threads/worker-entry.mjs',
    'dist/cli/nightshift.mjs',
    'dist/cli/main.js',
    'dist/dashboard/assets/dashboard.js',
    'dist/dashboard/assets/favicon.svg',
    'dist/dashboard/assets/base.css',
    'dist/http/openapi/assets/docs.js',
    'dist/types/breejs-later.d.ts',
    'dist/scheduler/job-thread.js',
    'dist/queue/queue-thread.js',
  ]) {
    assert.ok(paths.includes(needed), `${needed} is packed`);
  }
  t.diagnostic(`tarball: ${(pack!.size / 1024).toFixed(1)} KiB packed, ${(pack!.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${pack!.entryCount} files`);
});

// Runs in a plain `node` child (no --import tsx): imports the compiled package's entry by file URL,
// runs one job file through its scheduler (a Bree worker thread started from
// dist/threads/worker-entry.mjs) and its queue runner (a ThreadPool thread, same entry), and prints
// what the main thread and the job's threads saw. tsx calls
// process.setSourceMapsEnabled(true) when it registers, which is per thread; the .ts case (TypeScript
// syntax that must be compiled inside the job's thread) shows the signal does appear with tsx.
const PROBE = `
import { createNightshift } from ${JSON.stringify(pathToFileURL(join(DIST, 'index.js')).href)};

const [jobFile, database] = process.argv.slice(2);
const ns = createNightshift({ database, jobs: [jobFile], logLevel: 'silent', schedulerLeaseMs: 2000, pollIntervalMs: 50, shutdownGraceMs: 2000 });
await ns.start();
const name = ns.jobs[0].definition.name;
const outcome = await (await ns.scheduler.runNow(name)).done;

// The same file as a queue job, on one of the runner's long-lived threads.
const { job: queued } = ns.enqueue(name);
let queueJob = await ns.queue.get(queued.id);
for (const until = Date.now() + 20000; !['completed', 'failed', 'cancelled'].includes(queueJob.status) && Date.now() < until; queueJob = await ns.queue.get(queued.id)) {
  await new Promise((resolve) => setTimeout(resolve, 25));
}
await ns.stop();
console.log(JSON.stringify({ outcome, queued: { status: queueJob.status, error: queueJob.lastError, result: queueJob.result }, main: { execArgv: process.execArgv, tsx: process.sourceMapsEnabled === true } }));
`;

interface ThreadReport {
  tsx: boolean;
  isMainThread: boolean;
  value?: number;
}

interface ProbeResult {
  /** The scheduler's run (a Bree thread). */
  outcome: { status: string; error: string | null; details: ThreadReport | null };
  /** The queue's run (a ThreadPool thread). */
  queued: { status: string; error: string | null; result: ThreadReport | null };
  main: { execArgv: string[]; tsx: boolean };
}

function probe(dir: string, jobFile: string): ProbeResult {
  const script = join(dir, 'probe.mjs');
  writeFileSync(script, PROBE);
  const { stdout } = run(process.execPath, [script, jobFile, join(dir, `${Date.now()}.db`)], dir);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeResult;
}

test('compiled threads start without tsx for a .js job file and load it for a .ts one', { timeout: 60_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Plain objects: the definition check needs no import, so these files depend on nothing. The
  // scheduler takes only scheduled jobs; a daily cron does not fire during the test.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'plain-job.js'),
    `import { isMainThread } from 'node:worker_threads';
export default { name: 'probe.js', description: 'JS probe', schedule: '0 3 * * *', run: () => ({ tsx: process.sourceMapsEnabled === true, isMainThread }) };\n`,
  );
  writeFileSync(
    join(dir, 'typed-job.ts'),
    `import { isMainThread } from 'node:worker_threads';
const twice = (n: number): number => n * 2;
export default { name: 'probe.ts', description: 'TS probe', schedule: '0 3 * * *', run: () => ({ tsx: process.sourceMapsEnabled === true, isMainThread, value: twice(21) }) };\n`,
  );

  const js = probe(dir, join(dir, 'plain-job.js'));
  assert.equal(js.outcome.status, 'success', js.outcome.error ?? '');
  assert.deepEqual(js.main.execArgv, [], 'the host runs under plain node');
  assert.equal(js.outcome.details!.isMainThread, false, 'the job ran in a worker thread');
  assert.equal(js.outcome.details!.tsx, false, 'no tsx in the .js job thread');
  assert.equal(js.main.tsx, false, 'no tsx in the host either');
  assert.equal(js.queued.status, 'completed', js.queued.error ?? '');
  assert.deepEqual(js.queued.result, { tsx: false, isMainThread: false }, 'no tsx in the .js queue thread');

  const ts = probe(dir, join(dir, 'typed-job.ts'));
  assert.equal(ts.outcome.status, 'success', ts.outcome.error ?? '');
  assert.deepEqual(ts.main.execArgv, []);
  assert.equal(ts.outcome.details!.isMainThread, false);
  assert.equal(ts.outcome.details!.value, 42, 'the TypeScript job ran');
  assert.equal(ts.outcome.details!.tsx, true, 'tsx registered in the .ts job thread');
  assert.equal(ts.queued.status, 'completed', ts.queued.error ?? '');
  assert.deepEqual(ts.queued.result, { tsx: true, isMainThread: false, value: 42 }, 'tsx registered in the .ts queue thread');
});

// Thread start to first message, the engine's way (worker-entry.mjs with workerData.entry): compiled
// (.mjs entry, no tsx) against from source (.ts entry: worker-entry registers tsx first). Reported,
// not asserted: timings on a shared 2-core host are noisy.
test('thread start time: compiled vs from source', { timeout: 60_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'ready.mjs'), `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage('ready');\n`);
  writeFileSync(join(dir, 'ready.ts'), `import { parentPort } from 'node:worker_threads';\nparentPort!.postMessage('ready' as string);\n`);
  const timer = (entryPoint: string, entry: string) => `
import { Worker } from 'node:worker_threads';
const times = [];
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  const worker = new Worker(${JSON.stringify(entryPoint)}, { workerData: { entry: ${JSON.stringify(entry)}, nice: 0 } });
  await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  times.push(performance.now() - started);
  await worker.terminate();
}
times.sort((a, b) => a - b);
console.log(times[2].toFixed(0));
`;
  const median = (name: string, source: string) => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return Number(run(process.execPath, [file], dir).stdout.trim());
  };
  const compiled = median('compiled.mjs', timer(join(DIST, 'threads/worker-entry.mjs'), join(dir, 'ready.mjs')));
  const fromSource = median('source.mjs', timer(join(REPO_ROOT, 'src/threads/worker-entry.mjs'), join(dir, 'ready.ts')));
  t.diagnostic(`thread start (median of 5): compiled ${compiled} ms, from source with tsx ${fromSource} ms`);
  assert.ok(compiled > 0 && fromSource > 0);
});

// The compiled server under plain node: .tsx pages render (hono/jsx), and the files tsc does not
// emit (dashboard and API docs assets) were copied where the code reads them.
test('the compiled server serves JSX pages and copied assets under plain node', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-package-'));
  // A host that only has the package: createNightshift, then listen() with the dashboard at /dashboard.
  const script = join(dir, 'server.mjs');
  writeFileSync(
    script,
    `import { createNightshift } from ${JSON.stringify(pathToFileURL(join(DIST, 'index.js')).href)};
     const ns = createNightshift({ database: ${JSON.stringify(join(dir, 'server.db'))}, jobs: [], logFormat: 'json' });
     await ns.start();
     await ns.listen({ port: 0, host: '127.0.0.1', jwtSecret: 'package-test-secret-of-32-bytes-or-more', dashboardPath: '/dashboard' });
     process.on('SIGTERM', () => ns.stop().then(() => process.exit(0)));`,
  );
  const server = spawn(process.execPath, [script], { cwd: dir, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => server.on('close', resolve));
  t.after(async () => {
    server.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  const url = await waitFor(() => listeningUrl(output), { timeoutMs: 30_000, what: `the listening line (output: ${output})` });

  const signIn = await fetch(`${url}/dashboard/sign-in`);
  assert.equal(signIn.status, 200);
  const page = await signIn.text();
  const css = /\/dashboard\/assets\/[\w-]+\.css\?v=\w+/.exec(page)?.[0];
  assert.ok(css, `the sign-in page links a stylesheet:\n${page.slice(0, 500)}`);
  assert.equal((await fetch(`${url}${css}`)).status, 200);
  assert.equal((await fetch(`${url}/dashboard/assets/dashboard.js`)).status, 200);
  const docs = await (await fetch(`${url}/api/docs`)).text();
  const docsScript = /src="([^"]*docs\.js[^"]*)"/.exec(docs)?.[1];
  assert.ok(docsScript, 'the API docs page loads its own script');
  assert.equal((await fetch(new URL(docsScript, url))).status, 200);
  server.kill('SIGTERM');
  await exited;
});

test('declarations reference only .js/.d.ts relative paths and typecheck for a strict consumer', { timeout: 60_000 }, (t) => {
  const declarations = filesUnder(DIST).filter((f) => f.endsWith('.d.ts'));
  assert.ok(declarations.length > 50, 'declarations were emitted');
  const bad: string[] = [];
  for (const file of declarations) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm),
      ...text.matchAll(/^\/\/\/\s*<reference\s+path="([^"]+)"/gm),
    ].map((m) => m[1]!);
    for (const s of specifiers) {
      const target = resolve(dirname(file), s);
      if (!/\.(?:js|mjs|d\.ts)$/.test(s) || !target.startsWith(DIST)) bad.push(`${relative(DIST, file)}: ${s}`);
    }
  }
  assert.deepEqual(bad, []);

  // As a TypeScript app sees them: --strict, skipLibCheck off, only dist/ (not src/types) in the program.
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-consumer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = {
    compilerOptions: {
      strict: true, skipLibCheck: false, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022',
      types: ['node'], typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    },
    files: declarations.filter((f) => !f.startsWith(join(DIST, 'types'))),
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', timeout: 50_000 });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});

/** The url of the JSON log line "Nightshift listening" (field order is the logger's business). */
function listeningUrl(output: string): string | undefined {
  for (const line of output.split('\n')) {
    try {
      const record = JSON.parse(line) as { msg?: string; url?: string };
      if (record.msg === 'Nightshift listening') return record.url;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}
