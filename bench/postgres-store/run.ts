// The PostgreSQL store beside the SQLite store, at the seam (issue 13's first step): what the engine
// will get from each backend's methods, before worker threads and the runner are wired to
// PostgreSQL. No threads, no handlers: enqueue one at a time and in batches, a drain through the
// runner's unit of work (tick: complete the previous batch, claim the next), the same drain by two
// instances at once (PostgreSQL only: two pools, as two processes), and the claim's latency with a
// backlog of 100,000 future jobs and 100,000 ready jobs of a type nobody runs.
//
//   NIGHTSHIFT_BENCH_DATABASE_URL=postgres://... node --import tsx bench/postgres-store/run.ts
//   NIGHTSHIFT_PG_DURABLE=1 scripts/with-postgres.sh bash -c \
//     'NIGHTSHIFT_BENCH_DATABASE_URL=$NIGHTSHIFT_TEST_DATABASE_URL node --import tsx bench/postgres-store/run.ts'
//
// PG_BENCH_ROUNDS (3) rounds, interleaved; medians with min-max. Each round uses a fresh SQLite file
// and a fresh PostgreSQL schema. Prints markdown.
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Attempt, ClaimedRow, NewJob, NightshiftStore, TickRequest } from '../../src/store/types.ts';
import { REPO_ROOT } from '../queue/lib/paths.ts';
import { fixed, int, summarize, table } from '../queue/lib/stats.ts';

const URL_ = process.env.NIGHTSHIFT_BENCH_DATABASE_URL;
const ROUNDS = Number(process.env.PG_BENCH_ROUNDS ?? 3);
const ONE_BY_ONE = 3_000;
const BULK = { batches: 20, size: 1_000 };
const DRAIN = 20_000;
const ROOM = 64;
const BACKLOG = 100_000;
const TMP = join(REPO_ROOT, 'bench', '.tmp', 'postgres-store');

if (!URL_) {
  console.error('Set NIGHTSHIFT_BENCH_DATABASE_URL (see the comment at the top of bench/postgres-store/run.ts)');
  process.exit(2);
}

const log = (msg: string) => process.stderr.write(`[bench:postgres-store] ${msg}\n`);

function job(type = 'noop', runAt?: number): NewJob {
  const now = Date.now();
  return {
    id: uuidv7(now), type, payload: '{"n":1}', tenantId: null, actorId: null, traceId: newTraceId(), requestId: null,
    priority: 0, runAt: runAt ?? now, maxAttempts: 3, idempotencyKey: null, createdBy: null, createdAt: now,
  };
}

type Backend = 'sqlite' | 'postgres';

async function open(backend: Backend, round: number, name: string): Promise<{ store: NightshiftStore; dispose(): Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = join(TMP, `${name}-${round}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const store = openSqliteStore(join(dir, 'bench.db'));
    store.migrate();
    return { store, dispose: async () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const schema = `bench_${name}_${round}_${process.pid}`;
  const store = openPostgresStore(URL_!, { schema, max: 4 });
  await store.migrate();
  return {
    store,
    dispose: async () => {
      await store.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
      await store.close();
    },
  };
}

const perSecond = (n: number, ms: number) => (n / ms) * 1000;

async function enqueueOneByOne(store: NightshiftStore): Promise<{ perSec: number; p50: number; p99: number }> {
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < ONE_BY_ONE; i++) {
    const t = performance.now();
    await store.jobs.insert(job());
    times.push(performance.now() - t);
  }
  const s = summarize(times);
  return { perSec: perSecond(ONE_BY_ONE, performance.now() - t0), p50: s.p50, p99: s.p99 };
}

async function enqueueBulk(store: NightshiftStore): Promise<number> {
  const t0 = performance.now();
  for (let b = 0; b < BULK.batches; b++) await store.jobs.insertMany(Array.from({ length: BULK.size }, () => job()));
  return perSecond(BULK.batches * BULK.size, performance.now() - t0);
}

const tickOf = (owner: string, held: ClaimedRow[], room: number): TickRequest => {
  const now = Date.now();
  const endings = held.map((r) => ({
    attempt: {
      id: r.id, token: r.lease_token!, type: r.type, traceId: r.trace_id, tenantId: null, attempt: r.attempts, maxAttempts: r.max_attempts,
      runId: r.run_id!, startedAt: now, runOpen: false,
    } satisfies Attempt,
    ending: { kind: 'ok' as const, result: null, processed: null, total: null },
  }));
  return {
    now, owner, leaseMs: 30_000, endings, openRuns: [], progress: [],
    planEnding: () => { throw new Error('no failures in this benchmark'); },
    claim: { room, caps: new Map(), types: ['noop'], place: (c) => c },
  };
};

/** Ticks until nothing is left: each tick completes what the previous one claimed and claims ROOM more. */
async function drainLoop(store: NightshiftStore, owner: string): Promise<number> {
  let held: ClaimedRow[] = [];
  let completed = 0;
  for (;;) {
    const result = await store.jobs.tick(tickOf(owner, held, ROOM));
    completed += result.applied.filter((a) => a.written).length;
    held = result.claimed;
    if (held.length === 0 && result.applied.length === 0) return completed;
  }
}

async function drain(store: NightshiftStore): Promise<number> {
  await store.jobs.insertMany(Array.from({ length: DRAIN }, () => job()));
  const t0 = performance.now();
  const done = await drainLoop(store, 'bench-a');
  if (done !== DRAIN) throw new Error(`drained ${done} of ${DRAIN}`);
  return perSecond(DRAIN, performance.now() - t0);
}

async function drainTwoInstances(round: number): Promise<number> {
  const a = await open('postgres', round, 'two');
  const b = openPostgresStore(URL_!, { schema: (a.store as ReturnType<typeof openPostgresStore>).schema, max: 4 });
  try {
    await a.store.jobs.insertMany(Array.from({ length: DRAIN }, () => job()));
    const t0 = performance.now();
    const [x, y] = await Promise.all([drainLoop(a.store, 'bench-a'), drainLoop(b, 'bench-b')]);
    if (x + y !== DRAIN) throw new Error(`drained ${x + y} of ${DRAIN}`);
    return perSecond(DRAIN, performance.now() - t0);
  } finally {
    await b.close();
    await a.dispose();
  }
}

/** Claim of 10 ready jobs (then completed) with a large backlog the claim must not read. */
async function claimUnderBacklog(store: NightshiftStore): Promise<{ p50: number; p99: number }> {
  const future = Date.now() + 3_600_000;
  for (let i = 0; i < BACKLOG; i += 5_000) {
    await store.jobs.insertMany(Array.from({ length: 5_000 }, () => job('noop', future)));
    await store.jobs.insertMany(Array.from({ length: 5_000 }, () => job('nobody.runs.this')));
  }
  const times: number[] = [];
  let held: ClaimedRow[] = [];
  for (let i = 0; i < 300; i++) {
    await store.jobs.insertMany(Array.from({ length: 10 }, () => job()));
    const t = performance.now();
    const result = await store.jobs.tick(tickOf('bench-a', held, 10));
    times.push(performance.now() - t);
    held = result.claimed;
  }
  const s = summarize(times.slice(20));
  return { p50: s.p50, p99: s.p99 };
}

interface Round {
  one: { perSec: number; p50: number; p99: number };
  bulk: number;
  drain: number;
  backlog: { p50: number; p99: number };
}

async function round(backend: Backend, n: number): Promise<Round> {
  const run = async <T>(name: string, fn: (s: NightshiftStore) => Promise<T>): Promise<T> => {
    const { store, dispose } = await open(backend, n, name);
    try {
      return await fn(store);
    } finally {
      await dispose();
    }
  };
  return {
    one: await run('one', enqueueOneByOne),
    bulk: await run('bulk', enqueueBulk),
    drain: await run('drain', drain),
    backlog: await run('backlog', claimUnderBacklog),
  };
}

const med = (values: number[], digits = 0) => {
  const s = summarize(values);
  const f = (v: number) => (digits === 0 ? int(v) : fixed(v, digits));
  return `${f(s.p50)} (${f(Math.min(...values))}-${f(Math.max(...values))})`;
};

async function main(): Promise<void> {
  const results: Record<Backend, Round[]> = { sqlite: [], postgres: [] };
  const two: number[] = [];
  for (let n = 1; n <= ROUNDS; n++) {
    for (const backend of ['sqlite', 'postgres'] as const) {
      log(`round ${n}/${ROUNDS}: ${backend}`);
      results[backend].push(await round(backend, n));
    }
    log(`round ${n}/${ROUNDS}: postgres, two instances`);
    two.push(await drainTwoInstances(n));
  }
  const probe = openPostgresStore(URL_!, { schema: 'bench_probe' });
  const settings = await probe.pool.query(`SELECT version() AS v, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc`);
  await probe.close();
  const { v, fsync, sc } = settings.rows[0] as { v: string; fsync: string; sc: string };
  const row = (label: string, pick: (r: Round) => number, digits = 0) => [label, med(results.sqlite.map(pick), digits), med(results.postgres.map(pick), digits)];
  console.log(`## PostgreSQL store beside SQLite, at the seam\n`);
  console.log(`${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${v.split(' on ')[0]}, fsync=${fsync}, synchronous_commit=${sc}; ${ROUNDS} rounds, median (min-max)\n`);
  console.log(
    table(['', 'SQLite', 'PostgreSQL'], [
      row('enqueue one at a time (jobs/s)', (r) => r.one.perSec),
      row('  one enqueue p50 (ms)', (r) => r.one.p50, 3),
      row('  one enqueue p99 (ms)', (r) => r.one.p99, 3),
      row(`enqueue in batches of ${BULK.size} (jobs/s)`, (r) => r.bulk),
      row(`drain of ${int(DRAIN)}: tick completes ${ROOM}, claims ${ROOM} (jobs/s)`, (r) => r.drain),
      ['  the same drain by two instances at once (jobs/s)', 'n/a', med(two)],
      row(`claim of 10 beside ${int(BACKLOG)} future + ${int(BACKLOG)} foreign-type jobs, p50 (ms)`, (r) => r.backlog.p50, 3),
      row('  same, p99 (ms)', (r) => r.backlog.p99, 3),
    ]),
  );
  rmSync(TMP, { recursive: true, force: true });
}

await main();
