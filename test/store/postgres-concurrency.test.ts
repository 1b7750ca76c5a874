// Several instances on one PostgreSQL database: what the store guarantees when stores (each with
// its own pool, as separate processes would have) race on the same schema.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import type { NewJob, TickRequest } from '../../src/store/types.ts';
import { testPostgres } from '../helpers/postgres.ts';

const server = await testPostgres();

if (!server.available) {
  test('PostgreSQL store: several instances', { skip: server.skip }, () => {});
} else {
  const { pg: db } = server;
  const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);

  const job = (i: number, over: Partial<NewJob> = {}): NewJob => ({
    id: uuidv7(T0 + i), type: 'test.echo', payload: `{"i":${i}}`, tenantId: null, actorId: null, traceId: newTraceId(), requestId: null,
    priority: i % 5, runAt: T0 + i, maxAttempts: 3, idempotencyKey: null, createdBy: null, createdAt: T0 + i, ...over,
  });

  const claimTick = (owner: string, room: number, over: Partial<NonNullable<TickRequest['claim']>> = {}): TickRequest => ({
    now: T0 + 1_000_000, owner, leaseMs: 60_000, endings: [], planEnding: () => assert.fail('no endings'), openRuns: [], progress: [],
    claim: { room, caps: new Map(), types: ['test.echo', 'capped'], place: (c) => c, ...over },
  });

  /** `n` stores on one schema, each with its own pool (as n processes). */
  const stores = (schema: string, n: number) => Array.from({ length: n }, () => openPostgresStore(db.url, { schema, max: 3 }));
  const closeAll = async (list: PostgresStore[], schema: string) => {
    await Promise.all(list.map((s) => s.close()));
    await db.dropSchema(schema);
  };

  describe('PostgreSQL store: several instances', () => {
    test('five stores migrating one fresh schema at once: exactly one applies, all end at the latest version', async () => {
      const schema = db.schemaName('race');
      const list = stores(schema, 5);
      try {
        const reports = await Promise.all(list.map((s) => s.migrate()));
        const appliers = reports.filter((r) => r.applied.length > 0);
        assert.equal(appliers.length, 1, JSON.stringify(reports));
        assert.deepEqual(appliers[0]!.applied, [1, 2]);
        for (const r of reports) assert.equal(r.version, 2);
        const recorded = await db.admin.query(`SELECT version FROM "${schema}".migrations`);
        assert.deepEqual(recorded.rows.map((r) => r.version).sort(), [1, 2], 'recorded once');
      } finally {
        await closeAll(list, schema);
      }
    });

    test('two stores claiming in parallel loops from one table never claim the same job', async () => {
      const schema = db.schemaName('claims');
      const [a, b] = stores(schema, 2) as [PostgresStore, PostgresStore];
      try {
        await a.migrate();
        // 500 jobs: half ready at once, half waiting (made ready by whichever tick gets there).
        const jobs = Array.from({ length: 500 }, (_, i) => job(i, i % 2 ? { runAt: T0 + 500_000 + i } : {}));
        await a.jobs.insertMany(jobs);
        const claimedBy = new Map<string, string[]>();
        const loop = async (store: PostgresStore, owner: string) => {
          for (let idle = 0; idle < 3; ) {
            const { claimed } = await store.jobs.tick(claimTick(owner, 7));
            idle = claimed.length === 0 ? idle + 1 : 0;
            for (const c of claimed) claimedBy.set(c.id, [...(claimedBy.get(c.id) ?? []), owner]);
          }
        };
        await Promise.all([loop(a, 'a'), loop(b, 'b'), loop(a, 'a2'), loop(b, 'b2')]);
        assert.equal(claimedBy.size, 500, 'every job claimed');
        const twice = [...claimedBy].filter(([, owners]) => owners.length > 1);
        assert.deepEqual(twice, [], 'no job claimed twice');
        const owners = new Set([...claimedBy.values()].flat());
        assert.ok(owners.size >= 2, `the work was shared (${[...owners]})`);
        assert.deepEqual(await a.jobs.counts(), { pending: 0, processing: 500, completed: 0, failed: 0, cancelled: 0 });
      } finally {
        await closeAll([a, b], schema);
      }
    });

    test('a concurrency cap holds across instances claiming at once', async () => {
      const schema = db.schemaName('caps');
      const list = stores(schema, 4);
      try {
        await list[0]!.migrate();
        await list[0]!.jobs.insertMany(Array.from({ length: 40 }, (_, i) => job(i, { type: 'capped' })));
        const caps = new Map([['capped', 3]]);
        const results = await Promise.all(
          list.map((s, i) => s.jobs.tick(claimTick(`owner-${i}`, 10, { caps, place: (candidates, left) => candidates.slice(0, left.get('capped') ?? 0) }))),
        );
        const total = results.reduce((n, r) => n + r.claimed.length, 0);
        assert.equal(total, 3, 'exactly the cap, however the ticks interleave');
        assert.equal((await list[0]!.jobs.counts()).processing, 3);
      } finally {
        await closeAll(list, schema);
      }
    });

    test('runs.start is atomic across instances: of many starting the same job at once, one starts', async () => {
      const schema = db.schemaName('runs');
      const list = stores(schema, 4);
      try {
        await list[0]!.migrate();
        const attempts = await Promise.all(
          list.flatMap((s, i) => [0, 1, 2].map((k) => s.runs.start({ name: 'nightly', trigger: 'schedule', owner: `o-${i}-${k}`, now: T0 }))),
        );
        const started = attempts.filter((r) => r.started);
        assert.equal(started.length, 1);
        const runId = started[0]!.started ? started[0]!.runId : '';
        for (const r of attempts) if (!r.started) assert.equal(r.runningRunId, runId);
      } finally {
        await closeAll(list, schema);
      }
    });

    test('the scheduler lease: of many instances acquiring at once, one leads', async () => {
      const schema = db.schemaName('leader');
      const list = stores(schema, 4);
      try {
        await list[0]!.migrate();
        const wins = await Promise.all(
          list.map((s, i) => s.leader.acquire({ owner: `owner-${i}`, pid: i, hostname: 'h', ttlMs: 10_000, now: T0, isOwnerGone: () => false })),
        );
        assert.equal(wins.filter(Boolean).length, 1);
        const holder = (await list[0]!.leader.read())!;
        assert.equal(holder.owner, `owner-${wins.indexOf(true)}`);
      } finally {
        await closeAll(list, schema);
      }
    });

    test('idempotency keys hold across instances enqueueing the same key at once', async () => {
      const schema = db.schemaName('keys');
      const list = stores(schema, 4);
      try {
        await list[0]!.migrate();
        const jobs = list.map((_, i) => job(i, { idempotencyKey: 'same' }));
        const outcomes = await Promise.all(list.map((s, i) => s.jobs.insert(jobs[i]!)));
        const winner = outcomes.findIndex((o) => o.inserted);
        assert.equal(outcomes.filter((o) => o.inserted).length, 1);
        for (const o of outcomes) if (!o.inserted) assert.equal(o.existing.id, jobs[winner]!.id, 'every other store answers the job that won');
        assert.equal((await list[0]!.jobs.counts()).pending, 1);
      } finally {
        await closeAll(list, schema);
      }
    });
  });
}
