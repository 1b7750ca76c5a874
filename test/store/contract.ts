// The store contract: what every NightshiftStore backend must do, written once against the
// interface (src/store/types.ts) and run by each backend's test file (sqlite.test.ts, postgres.test.ts).
// It only awaits the interface's methods, so a synchronous store and a promise-based one pass the
// same way. Each test gets a fresh, migrated store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import type { Attempt, Candidate, ClaimedRow, Ending, NewJob, NightshiftStore, Plan, TickRequest } from '../../src/store/types.ts';
import type { QueueJob } from '../../src/queue/types.ts';

export interface StoreFactory {
  /** A fresh, migrated store of the backend under test. */
  open(): Promise<NightshiftStore>;
  /** Removes what open() made (after store.close()). */
  dispose(store: NightshiftStore): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const OWNER = 'test-host:1:runner-a';

function newJob(over: Partial<NewJob> = {}): NewJob {
  const createdAt = over.createdAt ?? T0;
  return {
    id: uuidv7(createdAt),
    type: 'test.echo',
    payload: '{"value":1}',
    tenantId: null,
    actorId: null,
    traceId: newTraceId(),
    requestId: null,
    priority: 0,
    runAt: createdAt,
    maxAttempts: 3,
    idempotencyKey: null,
    createdBy: null,
    createdAt,
    ...over,
  };
}

/** Every type the suite's jobs use but 'not.here' (the type no runner runs). */
const RUNNER_TYPES = ['test.echo', 'other.type', 'a', 'b', 'capped', 'free'];

/** A tick that only claims: everything the store offers, in its order (or `pick` of it). */
function claimTick(now: number, room: number, extra: Partial<TickRequest['claim']> & { pick?: (c: readonly Candidate[]) => Candidate[] } = {}): TickRequest {
  const { pick, ...claim } = extra;
  return {
    now,
    owner: OWNER,
    leaseMs: 30_000,
    endings: [],
    planEnding: () => assert.fail('no endings in a claim-only tick'),
    openRuns: [],
    progress: [],
    claim: { room, caps: new Map(), types: RUNNER_TYPES, place: (c) => (pick ? pick(c) : c), ...claim },
  };
}

function attemptOf(row: ClaimedRow, startedAt: number, runOpen = false): Attempt {
  return {
    id: row.id,
    token: row.lease_token!,
    type: row.type,
    traceId: row.trace_id,
    tenantId: row.tenant_id,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    runId: row.run_id!,
    startedAt,
    runOpen,
  };
}

/** A tick that reports endings (and claims nothing). */
function endTick(now: number, endings: { attempt: Attempt; ending: Ending }[], plan: (e: Exclude<Ending, { kind: 'ok' }>, a: Attempt) => Plan): TickRequest {
  return { now, owner: OWNER, leaseMs: 30_000, endings, planEnding: plan, openRuns: [], progress: [] };
}

const retryIn = (ms: number) => (e: Exclude<Ending, { kind: 'ok' }>, a: Attempt): Plan => ({
  status: 'pending',
  runAt: T0 + ms,
  error: { attempt: a.attempt, message: 'message' in e ? e.message : 'failed' },
  run: { status: 'failed', error: 'message' in e ? e.message : 'failed' },
});

export function storeContract(name: string, factory: StoreFactory): void {
  /** Runs `fn` on a fresh store and always disposes of it. */
  const withStore = async (fn: (store: NightshiftStore) => Promise<void>) => {
    const store = await factory.open();
    try {
      await fn(store);
    } finally {
      await store.close();
      await factory.dispose(store);
    }
  };
  const it = (title: string, fn: (store: NightshiftStore) => Promise<void>) => test(title, () => withStore(fn));

  describe(`store contract: ${name}`, () => {
    describe('schema', () => {
      it('migrate() is idempotent and health() reports the schema version', async (store) => {
        const again = await store.migrate();
        assert.deepEqual(again.applied, [], 'a migrated store has nothing left to apply');
        assert.ok(again.version >= 1);
        const health = await store.health();
        assert.equal(health.ok, true);
        assert.equal(health.schemaVersion, again.version);
      });
    });

    describe('jobs: insert and read', () => {
      it('a stored job reads back in the API shape', async (store) => {
        const job = newJob({ tenantId: 't-1', actorId: 'u-1', requestId: 'r-1', priority: 4, createdBy: 'admin' });
        assert.deepEqual(await store.jobs.insert(job), { inserted: true });
        const read = (await store.jobs.get(job.id))!;
        assert.equal(read.status, 'pending');
        assert.deepEqual(read.payload, { value: 1 });
        assert.deepEqual(read.envelope, { tenantId: 't-1', actorId: 'u-1', traceId: job.traceId, requestId: 'r-1' });
        assert.equal(read.priority, 4);
        assert.equal(read.attempts, 0);
        assert.equal(read.maxAttempts, 3);
        assert.equal(read.runAt, new Date(T0).toISOString());
        assert.deepEqual(read.errorLog, []);
        assert.equal(await store.jobs.get('no-such-id'), undefined);
      });

      it('an idempotency key already held returns the existing job and stores nothing', async (store) => {
        const first = newJob({ idempotencyKey: 'order-1' });
        await store.jobs.insert(first);
        const outcome = await store.jobs.insert(newJob({ idempotencyKey: 'order-1', type: 'other.type' }));
        assert.equal(outcome.inserted, false);
        assert.equal(!outcome.inserted && outcome.existing.id, first.id);
        assert.equal((await store.jobs.list({ limit: 10 })).total, 1);
      });

      it('insertMany: one outcome per job in order; keys held by existing jobs or earlier batch items win', async (store) => {
        const existing = newJob({ idempotencyKey: 'held' });
        await store.jobs.insert(existing);
        const batch = [
          newJob({ createdAt: T0 + 1 }),
          newJob({ createdAt: T0 + 2, idempotencyKey: 'held' }),
          newJob({ createdAt: T0 + 3, idempotencyKey: 'fresh' }),
          newJob({ createdAt: T0 + 4, idempotencyKey: 'fresh' }),
        ];
        const outcomes = await store.jobs.insertMany(batch);
        assert.deepEqual(outcomes.map((o) => o.inserted), [true, false, true, false]);
        assert.equal(!outcomes[1]!.inserted && outcomes[1]!.existing.id, existing.id, 'the key held before the batch');
        assert.equal(!outcomes[3]!.inserted && outcomes[3]!.existing.id, batch[2]!.id, 'the key taken earlier in the batch');
        assert.equal((await store.jobs.list({ limit: 10 })).total, 3);
        assert.deepEqual(await store.jobs.insertMany([]), []);
      });

      it('insertMany is all or nothing: one job the database refuses stores none of the batch', async (store) => {
        const good = newJob({ createdAt: T0 + 1 });
        const bad = newJob({ createdAt: T0 + 2, maxAttempts: 0 }); // CHECK (max_attempts >= 1)
        await assert.rejects(async () => store.jobs.insertMany([good, bad]));
        assert.equal(await store.jobs.get(good.id), undefined, 'the valid job before it was rolled back');
        assert.equal((await store.jobs.counts()).pending, 0);
      });

      it('list: newest first, filtered by status and type, with the total; counts by status and type', async (store) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const job = newJob({ createdAt: T0 + i, type: i % 2 ? 'b' : 'a' });
          ids.push(job.id);
          await store.jobs.insert(job);
        }
        const all = await store.jobs.list({ limit: 3 });
        assert.equal(all.total, 5);
        assert.deepEqual(all.jobs.map((j) => j.id), [ids[4], ids[3], ids[2]]);
        assert.deepEqual((await store.jobs.list({ limit: 10, offset: 3 })).jobs.map((j) => j.id), [ids[1], ids[0]]);
        const typeB = await store.jobs.list({ type: 'b', limit: 10 });
        assert.deepEqual(typeB.jobs.map((j) => j.id), [ids[3], ids[1]]);
        assert.equal(await store.jobs.cancel(ids[0]!, T0 + 10), 'cancelled');
        const cancelled = await store.jobs.list({ status: 'cancelled', limit: 10 });
        assert.deepEqual(cancelled.jobs.map((j) => j.id), [ids[0]]);
        assert.equal(cancelled.total, 1);
        assert.deepEqual(await store.jobs.counts(), { pending: 4, processing: 0, completed: 0, failed: 0, cancelled: 1 });
        const byType = await store.jobs.countsByType();
        assert.deepEqual(byType.get('a'), { pending: 2, processing: 0, completed: 0, failed: 0, cancelled: 1 });
        assert.deepEqual(byType.get('b'), { pending: 2, processing: 0, completed: 0, failed: 0, cancelled: 0 });
      });

      it('list bounds large values (src/store/list-bounds.ts): a summary and `truncated` in the list, the whole value from get', async (store) => {
        const payload = { text: 'é'.repeat(3_000) };
        const big = newJob({ payload: JSON.stringify(payload) });
        const small = newJob({ createdAt: T0 + 1 });
        await store.jobs.insert(big);
        await store.jobs.insert(small);
        const [listedSmall, listedBig] = (await store.jobs.list({ limit: 10 })).jobs as (QueueJob & { truncated?: string[] })[];
        assert.deepEqual(listedSmall!.payload, { value: 1 });
        assert.equal(listedSmall!.truncated, undefined);
        assert.deepEqual(listedBig!.truncated, ['payload']);
        assert.deepEqual(listedBig!.payload, { truncated: true, bytes: Buffer.byteLength(JSON.stringify(payload)), preview: JSON.stringify(payload).slice(0, 200) });
        assert.deepEqual((await store.jobs.get(big.id))!.payload, payload);
      });
    });

    describe('jobs: claim, finish, retry', () => {
      it('claims by priority then run time, never before run time, and only the runner\'s types', async (store) => {
        const low = newJob({ createdAt: T0, priority: 0 });
        const high = newJob({ createdAt: T0 + 1, priority: 5 });
        const later = newJob({ createdAt: T0 + 2, priority: 9, runAt: T0 + 60_000 });
        const skipped = newJob({ createdAt: T0 + 3, priority: 9, type: 'not.here' });
        for (const j of [low, high, later, skipped]) await store.jobs.insert(j);
        const { claimed } = await store.jobs.tick(claimTick(T0 + 10, 10));
        assert.deepEqual(claimed.map((c) => c.id), [high.id, low.id], 'priority first; the future job and the type this runner does not run stay');
        for (const c of claimed) {
          assert.ok(c.lease_token, 'each claim holds a lease token');
          assert.ok(c.run_id, 'and the run id its attempt will be recorded as');
          assert.equal(c.attempts, 1);
        }
        assert.equal((await store.jobs.get(high.id))!.status, 'processing');
        assert.equal((await store.jobs.get(later.id))!.status, 'pending');
        const second = await store.jobs.tick(claimTick(T0 + 10, 10));
        assert.deepEqual(second.claimed, [], 'a claimed job is not claimed twice');
        const due = await store.jobs.tick(claimTick(T0 + 60_000, 10));
        assert.deepEqual(due.claimed.map((c) => c.id), [later.id], 'the delayed job once due');
      });

      it('a backlog of future jobs and of other types does not hide due jobs, and due jobs run in priority then run time order', async (store) => {
        for (let i = 0; i < 300; i++) await store.jobs.insert(newJob({ createdAt: T0 + i, runAt: T0 + 3_600_000 + i, priority: 9 - (i % 7) }));
        for (let i = 0; i < 50; i++) await store.jobs.insert(newJob({ createdAt: T0 + 300 + i, type: 'not.here', priority: 9 }));
        const dueLow = newJob({ createdAt: T0 + 400, priority: -3 });
        const dueHigh = newJob({ createdAt: T0 + 401, priority: 2, type: 'other.type' });
        await store.jobs.insert(dueLow);
        await store.jobs.insert(dueHigh);
        const { claimed } = await store.jobs.tick(claimTick(T0 + 500, 10));
        assert.deepEqual(claimed.map((c) => c.id), [dueHigh.id, dueLow.id]);
        assert.equal((await store.jobs.counts()).pending, 350, 'future jobs and the unrun type are still pending');
        assert.equal((await store.jobs.depth(T0 + 500)).oldestDueRunAt, T0 + 300, "the other type's jobs are due (a metric, not a claim)");
      });

      it('jobs that become due together are all claimed across ticks, by priority among the ready ones', async (store) => {
        const n = 1_200; // more than a backend may make ready in one tick
        for (let i = 0; i < n; i++) await store.jobs.insert(newJob({ createdAt: T0 + i, runAt: T0 + 10_000 + i }));
        const seen = new Set<string>();
        for (let ticks = 0; ticks < 100 && seen.size < n; ticks++) {
          for (const c of (await store.jobs.tick(claimTick(T0 + 20_000, 100))).claimed) seen.add(c.id);
        }
        assert.equal(seen.size, n, 'every due job was claimed once');
        assert.equal((await store.jobs.counts()).processing, n);
      });

      it('readyTypes (where a store has it): the types with due pending jobs, each once', async (store) => {
        if (!store.jobs.readyTypes) return;
        for (const type of ['b', 'a', 'b', 'free']) await store.jobs.insert(newJob({ type }));
        await store.jobs.insert(newJob({ type: 'capped', runAt: T0 + 60_000 }));
        await store.jobs.tick(claimTick(T0 + 1, 10, { pick: (c) => c.filter((x) => x.type === 'free') }));
        assert.deepEqual([...(await store.jobs.readyTypes())].sort(), ['a', 'b'], 'not the future job, not the claimed one');
      });

      it('paused types: persisted with who and when, pausing twice or resuming a running type changes nothing', async (store) => {
        assert.deepEqual(await store.jobs.pausedTypes(), []);
        assert.equal(await store.jobs.setPaused({ type: 'b', paused: true, by: 'ops', now: T0 }), true);
        assert.equal(await store.jobs.setPaused({ type: 'a', paused: true, by: null, now: T0 + 1 }), true);
        assert.equal(await store.jobs.setPaused({ type: 'b', paused: true, by: 'other', now: T0 + 2 }), false, 'already paused');
        assert.deepEqual(await store.jobs.pausedTypes(), [
          { type: 'a', pausedAt: T0 + 1, pausedBy: null },
          { type: 'b', pausedAt: T0, pausedBy: 'ops' },
        ]);
        assert.equal(await store.jobs.setPaused({ type: 'b', paused: false, by: 'ops', now: T0 + 3 }), true);
        assert.equal(await store.jobs.setPaused({ type: 'b', paused: false, by: 'ops', now: T0 + 4 }), false, 'not paused');
        assert.deepEqual((await store.jobs.pausedTypes()).map((p) => p.type), ['a']);
      });

      it('only what place() chooses is claimed, and per-type caps count jobs running anywhere', async (store) => {
        for (let i = 0; i < 4; i++) await store.jobs.insert(newJob({ createdAt: T0 + i, type: 'capped' }));
        await store.jobs.insert(newJob({ createdAt: T0 + 10, type: 'free' }));
        const caps = new Map([['capped', 2]]);
        let offered: ReadonlyMap<string, number> | undefined;
        const first = await store.jobs.tick(
          claimTick(T0 + 20, 10, { caps, place: (candidates, left) => ((offered = left), candidates.filter((c) => c.type === 'capped').slice(0, 1)) }),
        );
        assert.equal(first.claimed.length, 1, 'only the placed candidate');
        assert.equal(offered?.get('capped'), 2, 'a capped type with nothing running has its whole cap');
        const second = await store.jobs.tick(claimTick(T0 + 20, 10, { caps, place: (candidates, left) => ((offered = left), candidates) }));
        assert.equal(offered?.get('capped'), 1, 'one is running: one left');
        const cappedClaims = second.claimed.filter((c) => c.type === 'capped').length;
        assert.ok(second.claimed.some((c) => c.type === 'free'));
        const third = await store.jobs.tick(claimTick(T0 + 20, 10, { caps }));
        assert.equal(third.claimed.filter((c) => c.type === 'capped').length, 0, `cap reached (${1 + cappedClaims} running): the type is not offered`);
      });

      it('an ok ending completes the job and records a successful run; a stale token writes nothing', async (store) => {
        const job = newJob();
        await store.jobs.insert(job);
        const [row] = (await store.jobs.tick(claimTick(T0 + 1, 1))).claimed;
        const attempt = attemptOf(row!, T0 + 1);
        const stale = { ...attempt, token: 'not-the-lease' };
        const refused = await store.jobs.tick(endTick(T0 + 40, [{ attempt: stale, ending: { kind: 'ok', result: '{"n":1}', processed: null, total: null } }], retryIn(0)));
        assert.deepEqual(refused.applied.map((a) => a.written), [false], 'only the lease holder can complete');
        assert.equal((await store.jobs.get(job.id))!.status, 'processing');
        const { applied } = await store.jobs.tick(endTick(T0 + 50, [{ attempt, ending: { kind: 'ok', result: '{"n":2}', processed: 5, total: 5 } }], retryIn(0)));
        assert.deepEqual(applied.map((a) => a.written), [true]);
        const done = (await store.jobs.get(job.id))!;
        assert.equal(done.status, 'completed');
        assert.deepEqual(done.result, { n: 2 });
        assert.deepEqual(done.progress, { processedItems: 5, totalItems: 5, percent: 100 });
        const run = (await store.runs.get(attempt.runId))!;
        assert.equal(run.status, 'success');
        assert.equal(run.trigger, 'queue');
        assert.equal(run.jobId, job.id);
        assert.equal(run.durationMs, 49);
        assert.deepEqual(run.details, { n: 2 });
      });

      it('an ok ending closes the run row opened while it ran (no second row); a batch mixes both kinds', async (store) => {
        const long = newJob({ createdAt: T0, priority: 1 });
        const short = newJob({ createdAt: T0 + 1 });
        await store.jobs.insert(long);
        await store.jobs.insert(short);
        const [l, s] = (await store.jobs.tick(claimTick(T0 + 1, 2))).claimed;
        await store.jobs.tick({ ...endTick(T0 + 300, [], retryIn(0)), openRuns: [{ runId: l!.run_id!, type: l!.type, jobId: l!.id, traceId: l!.trace_id, startedAt: T0 + 1 }] });
        const endings = [
          { attempt: attemptOf(l!, T0 + 1, true), ending: { kind: 'ok' as const, result: '{"long":true}', processed: null, total: null } },
          { attempt: attemptOf(s!, T0 + 1, false), ending: { kind: 'ok' as const, result: null, processed: null, total: null } },
        ];
        const { applied } = await store.jobs.tick(endTick(T0 + 500, endings, retryIn(0)));
        assert.deepEqual(applied.map((a) => [a.attempt.id, a.written]), [[long.id, true], [short.id, true]]);
        const longRun = (await store.runs.get(l!.run_id!))!;
        assert.deepEqual([longRun.status, longRun.durationMs, longRun.details], ['success', 499, { long: true }]);
        const shortRun = (await store.runs.get(s!.run_id!))!;
        assert.deepEqual([shortRun.status, shortRun.durationMs, shortRun.details], ['success', 499, null]);
        assert.equal((await store.runs.list({ limit: 10 })).length, 2, 'one row per attempt');
        for (const id of [long.id, short.id]) assert.equal((await store.jobs.get(id))!.status, 'completed');
      });

      it('a failed attempt is written as the engine planned: back to pending later, error logged, run failed', async (store) => {
        const job = newJob();
        await store.jobs.insert(job);
        const [row] = (await store.jobs.tick(claimTick(T0 + 1, 1))).claimed;
        // The run row was opened while it ran (attempts that run a while get theirs early).
        await store.jobs.tick({ ...endTick(T0 + 300, [], retryIn(0)), openRuns: [{ runId: row!.run_id!, type: row!.type, jobId: row!.id, traceId: row!.trace_id, startedAt: T0 + 1 }] });
        assert.equal((await store.runs.get(row!.run_id!))!.status, 'running');
        const attempt = attemptOf(row!, T0 + 1, true);
        const { applied } = await store.jobs.tick(endTick(T0 + 400, [{ attempt, ending: { kind: 'error', message: 'boom' } }], retryIn(5_000)));
        assert.equal(applied[0]!.written, true);
        const back = (await store.jobs.get(job.id))!;
        assert.equal(back.status, 'pending');
        assert.equal(back.runAt, new Date(T0 + 5_000).toISOString());
        assert.equal(back.lastError, 'boom');
        assert.deepEqual(back.errorLog.map((e) => [e.attempt, e.message]), [[1, 'boom']]);
        const run = (await store.runs.get(row!.run_id!))!;
        assert.equal(run.status, 'failed');
        assert.equal(run.error, 'boom');
        assert.deepEqual((await store.jobs.tick(claimTick(T0 + 4_999, 1))).claimed, [], 'not before its retry time');
        assert.equal((await store.jobs.tick(claimTick(T0 + 5_000, 1))).claimed[0]!.attempts, 2);
      });

      it('a released attempt goes back to pending at once, uncounted; a cancelled ending is final; a failure with no attempts left fails the job', async (store) => {
        const released = newJob({ createdAt: T0, priority: 3 });
        const cancelled = newJob({ createdAt: T0 + 1, priority: 2 });
        const exhausted = newJob({ createdAt: T0 + 2, priority: 1, maxAttempts: 1 });
        for (const j of [released, cancelled, exhausted]) await store.jobs.insert(j);
        const rows = (await store.jobs.tick(claimTick(T0 + 10, 3))).claimed;
        assert.deepEqual(rows.map((r) => r.id), [released.id, cancelled.id, exhausted.id]);
        const [a, b, c] = rows.map((r) => attemptOf(r, T0 + 10)) as [Attempt, Attempt, Attempt];
        const plans: Record<string, Plan> = {
          [a.id]: { status: 'pending', runAt: T0 + 20, uncount: true, run: { status: 'abandoned', error: 'shutting down' } },
          [b.id]: { status: 'cancelled', error: { attempt: 1, message: 'Cancelled' }, run: { status: 'cancelled', error: 'Cancelled' } },
          [c.id]: { status: 'failed', error: { attempt: 1, message: 'boom' }, run: { status: 'failed', error: 'boom' } },
        };
        const { applied } = await store.jobs.tick(
          endTick(
            T0 + 20,
            [
              { attempt: a, ending: { kind: 'released', message: 'shutting down' } },
              { attempt: b, ending: { kind: 'cancelled', message: 'Cancelled' } },
              { attempt: c, ending: { kind: 'error', message: 'boom' } },
            ],
            (_e, attempt) => plans[attempt.id]!,
          ),
        );
        assert.deepEqual(applied.map((x) => x.written), [true, true, true]);
        const back = (await store.jobs.get(released.id))!;
        assert.deepEqual([back.status, back.attempts, back.errorLog.length], ['pending', 0, 0], 'released: pending again, the attempt given back, no error logged');
        assert.equal((await store.runs.get(a.runId))!.status, 'abandoned');
        const gone = (await store.jobs.get(cancelled.id))!;
        assert.deepEqual([gone.status, gone.lastError, gone.completedAt], ['cancelled', 'Cancelled', new Date(T0 + 20).toISOString()]);
        assert.equal((await store.runs.get(b.runId))!.status, 'cancelled');
        const failed = (await store.jobs.get(exhausted.id))!;
        assert.deepEqual([failed.status, failed.attempts, failed.lastError], ['failed', 1, 'boom']);
        assert.equal((await store.runs.get(c.runId))!.error, 'boom');
        const again = await store.jobs.tick(claimTick(T0 + 20, 3));
        assert.deepEqual(again.claimed.map((r) => [r.id, r.attempts]), [[released.id, 1]], 'only the released job runs again, as attempt 1');
      });

      it('progress is written for the lease holder only', async (store) => {
        const job = newJob();
        await store.jobs.insert(job);
        const [row] = (await store.jobs.tick(claimTick(T0 + 1, 1))).claimed;
        const progress = [
          { id: job.id, token: 'stale', processed: 99, total: 100 },
          { id: job.id, token: row!.lease_token!, processed: 3, total: 10 },
        ];
        await store.jobs.tick({ ...endTick(T0 + 2, [], retryIn(0)), progress });
        assert.deepEqual(await store.jobs.progress(job.id), { id: job.id, status: 'processing', processed_items: 3, total_items: 10 });
      });

      it('cancel: pending at once, processing flagged for its runner, finished refused; retry puts failed and cancelled back', async (store) => {
        const pending = newJob({ createdAt: T0 });
        const running = newJob({ createdAt: T0 + 1, priority: 1 });
        await store.jobs.insert(pending);
        await store.jobs.insert(running);
        await store.jobs.tick(claimTick(T0 + 2, 1));
        assert.equal(await store.jobs.cancel(pending.id, T0 + 3), 'cancelled');
        assert.equal(await store.jobs.cancel(running.id, T0 + 3), 'cancelling');
        assert.deepEqual(await store.jobs.cancelRequested([running.id, pending.id]), [running.id]);
        assert.equal(await store.jobs.cancel(pending.id, T0 + 4), 'finished');
        assert.equal(await store.jobs.cancel('missing', T0 + 4), 'not_found');
        assert.equal(await store.jobs.retry(running.id, T0 + 5), 'not_retryable', 'a running job is not retried by hand');
        assert.equal(await store.jobs.retry(pending.id, T0 + 5), 'retried');
        const again = (await store.jobs.get(pending.id))!;
        assert.equal(again.status, 'pending');
        assert.equal(again.attempts, 0);
        assert.equal(await store.jobs.retry('missing', T0 + 5), 'not_found');
      });
    });

    describe('jobs: leases', () => {
      it('upkeep renews what a runner holds and recovers expired leases of others (the attempt charged, its run abandoned)', async (store) => {
        const mine = newJob({ createdAt: T0, priority: 2 });
        const theirs = newJob({ createdAt: T0 + 1, priority: 1 });
        await store.jobs.insert(mine);
        await store.jobs.insert(theirs);
        const [held] = (await store.jobs.tick({ ...claimTick(T0 + 1, 1), leaseMs: 1_000 })).claimed;
        const [lost] = (await store.jobs.tick({ ...claimTick(T0 + 1, 1), owner: 'test-host:2:runner-b', leaseMs: 1_000 })).claimed;
        assert.equal(held!.id, mine.id);
        assert.equal(lost!.id, theirs.id);
        const now = T0 + 1_500; // both leases have expired; ours is renewed first
        const result = await store.jobs.upkeep({ now, owner: OWNER, leaseMs: 1_000, held: [{ id: held!.id, token: held!.lease_token! }], isOwnerGone: () => false });
        assert.deepEqual([...result.held], [mine.id]);
        assert.deepEqual(result.recovered.map((r) => [r.id, r.status, r.reason]), [[theirs.id, 'pending', 'lease_expired']]);
        const recovered = (await store.jobs.get(theirs.id))!;
        assert.equal(recovered.status, 'pending');
        assert.equal(recovered.attempts, 1, 'the attempt that really ran is charged');
        assert.match(recovered.lastError!, /lease expired/);
        assert.equal((await store.runs.get(lost!.run_id!))!.status, 'abandoned');
        assert.equal((await store.jobs.get(mine.id))!.status, 'processing');
      });

      it('recovery fails a job with no attempts left and cancels one an admin asked to cancel', async (store) => {
        const last = newJob({ createdAt: T0, priority: 2, maxAttempts: 1 });
        const asked = newJob({ createdAt: T0 + 1, priority: 1 });
        await store.jobs.insert(last);
        await store.jobs.insert(asked);
        const claimed = (await store.jobs.tick({ ...claimTick(T0 + 1, 2), owner: 'test-host:2:runner-b', leaseMs: 1_000 })).claimed;
        assert.equal(claimed.length, 2);
        assert.equal(await store.jobs.cancel(asked.id, T0 + 2), 'cancelling');
        const result = await store.jobs.upkeep({ now: T0 + 5_000, owner: OWNER, leaseMs: 1_000, held: [], isOwnerGone: () => false });
        assert.deepEqual(
          result.recovered.map((r) => [r.id, r.status]).sort(),
          [[last.id, 'failed'], [asked.id, 'cancelled']].sort(),
        );
        assert.equal((await store.jobs.get(last.id))!.status, 'failed');
        assert.equal((await store.jobs.get(asked.id))!.status, 'cancelled');
        assert.deepEqual((await store.jobs.upkeep({ now: T0 + 6_000, owner: OWNER, leaseMs: 1_000, held: [], isOwnerGone: () => false })).recovered, [], 'once');
      });

      it('upkeep recovers at once the jobs of an owner known to be gone', async (store) => {
        const job = newJob();
        await store.jobs.insert(job);
        await store.jobs.tick({ ...claimTick(T0, 1), owner: 'dead-host:9:gone' });
        const result = await store.jobs.upkeep({ now: T0 + 1, owner: OWNER, leaseMs: 30_000, held: [], isOwnerGone: (o) => o === 'dead-host:9:gone' });
        assert.deepEqual(result.recovered.map((r) => [r.id, r.reason]), [[job.id, 'owner_gone']]);
      });
    });

    describe('jobs: gauges and retention', () => {
      it('depth counts by status and type and finds the oldest due job', async (store) => {
        await store.jobs.insert(newJob({ createdAt: T0, type: 'a' }));
        await store.jobs.insert(newJob({ createdAt: T0 + 5, type: 'b' }));
        await store.jobs.insert(newJob({ createdAt: T0 + 6, type: 'b', runAt: T0 + 99_000 }));
        const depth = await store.jobs.depth(T0 + 10);
        assert.equal(depth.byStatus.pending.get('a'), 1);
        assert.equal(depth.byStatus.pending.get('b'), 2);
        assert.equal(depth.oldestDueRunAt, T0);
      });

      it('pruneFinished deletes finished jobs older than the cutoff, in bounded batches, never unfinished ones', async (store) => {
        const old = [newJob({ createdAt: T0 }), newJob({ createdAt: T0 + 1 }), newJob({ createdAt: T0 + 2 })];
        const fresh = newJob({ createdAt: T0 + 100_000 });
        const unfinished = newJob({ createdAt: T0 + 3 });
        for (const j of [...old, fresh, unfinished]) await store.jobs.insert(j);
        for (const j of [...old, fresh]) await store.jobs.cancel(j.id, j.createdAt + 10);
        assert.equal(await store.jobs.pruneFinished(T0 + 50_000, 2), 2, 'a batch is bounded by its limit');
        assert.equal(await store.jobs.pruneFinished(T0 + 50_000, 2), 1);
        assert.equal(await store.jobs.pruneFinished(T0 + 50_000, 2), 0);
        assert.ok(await store.jobs.get(fresh.id), 'finished after the cutoff: kept');
        assert.ok(await store.jobs.get(unfinished.id), 'pending: kept');
      });
    });

    describe('runs', () => {
      it('start refuses an overlapping run of the same job; finish is first-writer-wins', async (store) => {
        const first = await store.runs.start({ name: 'cleanup', trigger: 'schedule', owner: OWNER, now: T0 });
        assert.equal(first.started, true);
        const second = await store.runs.start({ name: 'cleanup', trigger: 'manual', owner: OWNER, now: T0 + 1 });
        assert.deepEqual(second, { started: false, runningRunId: first.started && first.runId });
        const other = await store.runs.start({ name: 'other', trigger: 'manual', owner: OWNER, now: T0 + 2 });
        assert.equal(other.started, true, 'another job may run meanwhile');
        const runId = first.started ? first.runId : '';
        assert.equal(await store.runs.finish(runId, { status: 'success', details: { deleted: 3 }, now: T0 + 40 }), true);
        assert.equal(await store.runs.finish(runId, { status: 'failed', error: 'late', now: T0 + 50 }), false);
        const run = (await store.runs.get(runId))!;
        assert.equal(run.status, 'success');
        assert.deepEqual(run.details, { deleted: 3 });
        assert.equal(run.durationMs, 40);
        assert.equal((await store.runs.start({ name: 'cleanup', trigger: 'manual', owner: OWNER, now: T0 + 60 })).started, true);
      });

      it('skipped ticks are recorded but are not the last run; list filters; lastStartedAt', async (store) => {
        const ran = await store.runs.start({ name: 'job', trigger: 'schedule', owner: OWNER, now: T0 });
        const runId = ran.started ? ran.runId : '';
        await store.runs.recordSkipped({ name: 'job', trigger: 'schedule', owner: OWNER, reason: 'Still running', now: T0 + 1_000 });
        assert.equal((await store.runs.last('job'))!.id, runId);
        assert.equal(await store.runs.lastStartedAt('job'), T0);
        assert.equal(await store.runs.lastStartedAt('never'), undefined);
        const skipped = await store.runs.list({ name: 'job', status: 'skipped', limit: 10 });
        assert.equal(skipped.length, 1);
        assert.equal(skipped[0]!.error, 'Still running');
        const newestFirst = await store.runs.list({ limit: 10 });
        assert.deepEqual(newestFirst.map((r) => r.status), ['skipped', 'running']);
        assert.deepEqual((await store.runs.list({ startedFrom: T0 + 500, limit: 10 })).map((r) => r.status), ['skipped']);
      });

      it('list pages oldest or newest first by id cursor, within a snapshot bound, leaving one run out; count matches', async (store) => {
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          const r = await store.runs.start({ name: i % 2 ? 'odd' : 'even', trigger: 'manual', owner: OWNER, now: T0 + i * 10 });
          ids.push(r.started ? r.runId : '');
          await store.runs.finish(ids[i]!, { status: 'success', now: T0 + i * 10 + 1 });
        }
        const page = async (order: 'oldest' | 'newest', filter: { upToId?: string; excludeId?: string; name?: string } = {}) => {
          const seen: string[] = [];
          for (let afterId: string | undefined; ; ) {
            const runs = await store.runs.list({ ...filter, order, afterId, limit: 3 });
            if (runs.length === 0) return seen;
            seen.push(...runs.map((r) => r.id));
            afterId = runs.at(-1)!.id;
          }
        };
        assert.deepEqual(await page('oldest'), ids);
        assert.deepEqual(await page('newest'), [...ids].reverse());
        assert.deepEqual(await page('oldest', { upToId: ids[4], excludeId: ids[1] }), [ids[0], ids[2], ids[3], ids[4]]);
        assert.deepEqual(await page('oldest', { name: 'odd', upToId: ids[4] }), [ids[1], ids[3]]);
        assert.equal(await store.runs.count({}), 7);
        assert.equal(await store.runs.count({ upToId: ids[4], excludeId: ids[1] }), 4);
        assert.equal(await store.runs.count({ name: 'even', status: 'success' }), 4);
        assert.equal(await store.runs.count({ name: 'even', status: 'failed' }), 0);
      });

      it('closeAbandoned closes runs of gone owners and overdue runs, not live ones; scheduledStats', async (store) => {
        const gone = await store.runs.start({ name: 'a', trigger: 'schedule', owner: 'dead:1:x', now: T0 });
        const live = await store.runs.start({ name: 'b', trigger: 'schedule', owner: OWNER, now: T0 });
        const overdue = await store.runs.start({ name: 'c', trigger: 'schedule', owner: OWNER, now: T0 - 10 * 60_000 });
        const closed = await store.runs.closeAbandoned((o) => o === 'dead:1:x', T0 + 1, (n) => (n === 'c' ? 60_000 : undefined));
        assert.equal(closed, 2);
        const statusOf = async (r: typeof gone) => (await store.runs.get(r.started ? r.runId : ''))!.status;
        assert.equal(await statusOf(gone), 'abandoned');
        assert.equal(await statusOf(overdue), 'abandoned');
        assert.equal(await statusOf(live), 'running');
        await store.runs.finish(live.started ? live.runId : '', { status: 'success', now: T0 + 5 });
        const stats = await store.runs.scheduledStats(['a', 'b', 'c']);
        assert.equal(stats.lastSuccessAt.get('b'), T0 + 5);
        assert.equal(stats.inProgress.size, 0);
      });

      it('prune deletes finished runs older than the cutoff, never running ones', async (store) => {
        for (let i = 0; i < 3; i++) {
          const r = await store.runs.start({ name: `j${i}`, trigger: 'manual', owner: OWNER, now: T0 + i });
          await store.runs.finish(r.started ? r.runId : '', { status: 'success', now: T0 + i + 1 });
        }
        await store.runs.start({ name: 'still', trigger: 'manual', owner: OWNER, now: T0 });
        assert.equal(await store.runs.prune(T0 + 100, 2), 2);
        assert.equal(await store.runs.prune(T0 + 100, 2), 1);
        assert.equal(await store.runs.prune(T0 + 100, 2), 0);
        assert.equal((await store.runs.list({ limit: 10 })).length, 1, 'the running run stays');
      });
    });

    describe('scheduling', () => {
      const lease = (owner: string, now: number, gone: string[] = []) => ({ owner, pid: 1, hostname: 'test-host', ttlMs: 1_000, now, isOwnerGone: (o: string) => gone.includes(o) });

      it('one leader: the holder renews, others wait for expiry or a gone owner; release frees it', async (store) => {
        assert.equal(await store.leader.acquire(lease('a', T0)), true);
        assert.equal(await store.leader.acquire(lease('b', T0 + 500)), false);
        assert.equal(await store.leader.acquire(lease('a', T0 + 900)), true, 'renewed');
        assert.equal((await store.leader.read())!.expiresAt, T0 + 1_900);
        assert.equal((await store.leader.read())!.acquiredAt, T0, 'renewal keeps the first acquisition time');
        assert.equal(await store.leader.acquire(lease('b', T0 + 1_899)), false);
        assert.equal(await store.leader.acquire(lease('b', T0 + 1_900)), true, 'taken at expiry');
        assert.equal(await store.leader.acquire(lease('c', T0 + 2_000, ['b'])), true, 'taken from a gone owner at once');
        await store.leader.release('b');
        assert.equal((await store.leader.read())!.owner, 'c', 'only the holder can release');
        await store.leader.release('c');
        assert.equal(await store.leader.read(), undefined);
      });

      it('first-seen times are recorded once', async (store) => {
        await store.schedules.recordFirstSeen(['a', 'b'], T0);
        await store.schedules.recordFirstSeen(['b', 'c'], T0 + 1_000);
        assert.deepEqual(Object.fromEntries(await store.schedules.firstSeen(['a', 'b', 'c', 'd'])), { a: T0, b: T0, c: T0 + 1_000 });
      });
    });
  });
}
