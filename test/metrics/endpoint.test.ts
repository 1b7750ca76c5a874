// GET /metrics as a client sees it: who may scrape (METRICS_TOKEN, owner/admin JWT; 401/403 JSON
// otherwise), the content type, valid exposition text, jobs disabled, a failing read, and the
// runtime's wiring over a real port.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseConfig } from '../../src/app/config.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { startRuntime } from '../../src/app/runtime.ts';
import { captureLogs, JOBS_DIR, TEST_SECRET, bearer, tempDb, testApp, token, type TempDb } from '../helpers/index.ts';
import { waitForStatus } from '../queue/helpers.ts';
import { METRICS_TOKEN, metricsApp, parseExposition, scrape, valueOf } from './helpers.ts';

describe('who may scrape', () => {
  let t: TempDb;
  let app: ReturnType<typeof metricsApp>;
  test.before(async () => {
    t = tempDb();
    const { scheduler, queue, logs } = await testApp(t);
    app = metricsApp({ store: t.store, scheduler, queue, logger: logs.logger });
  });
  test.after(() => t.cleanup());

  const get = (headers: Record<string, string> = {}) => app.request('/metrics', { headers });

  test('no credentials: 401 JSON, no metrics', async () => {
    const res = await get();
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.deepEqual(Object.keys((await res.json()) as object).sort(), ['code', 'error']);
  });

  test('a wrong static token, or a JWT signed with another secret: 401', async () => {
    for (const value of ['Bearer not-the-metrics-token', `Bearer ${METRICS_TOKEN}x`, `Bearer ${await token('admin', { secret: 'x'.repeat(40) })}`, METRICS_TOKEN]) {
      const res = await get({ authorization: value });
      assert.equal(res.status, 401, value);
      const body = (await res.json()) as { code: string };
      assert.equal(body.code, 'UNAUTHORIZED');
    }
  });

  test('staff: 403 FORBIDDEN', async () => {
    const res = await get(await bearer('staff'));
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), { error: 'Insufficient permissions', code: 'FORBIDDEN' });
  });

  test('METRICS_TOKEN, an owner JWT or an admin JWT: 200 with the Prometheus content type', async () => {
    for (const headers of [{ authorization: `Bearer ${METRICS_TOKEN}` }, await bearer('owner'), await bearer('admin')]) {
      const res = await get(headers);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      parseExposition(await res.text());
    }
  });

  test('the metrics route does not guard anything else mounted at /', async () => {
    assert.equal((await app.request('/api/health')).status, 200);
    assert.equal((await app.request('/nothing-here')).status, 404);
  });

  test('without METRICS_TOKEN configured only JWTs work', async () => {
    const { scheduler, queue, logs } = await testApp(t);
    const noToken = metricsApp({ store: t.store, scheduler, queue, logger: logs.logger, metricsToken: null });
    assert.equal((await noToken.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 401);
    assert.equal((await noToken.request('/metrics', { headers: await bearer('admin') })).status, 200);
  });
});

describe('exposition text', () => {
  test('the output parses as Prometheus text; families are prefixed, counters end in _total, no reserved labels', async (t) => {
    const db = tempDb();
    t.after(() => db.cleanup());
    const { scheduler, queue, logs } = await testApp(db);
    const m = await scrape(metricsApp({ store: db.store, scheduler, queue, logger: logs.logger }));
    assert.ok(m.types.size >= 15, `${m.types.size} families`);
    for (const [family, type] of m.types) {
      assert.match(family, /^nightshift_/, family);
      if (type === 'counter') assert.match(family, /_total$/, family);
    }
    // Prometheus attaches job and instance to every series it scrapes: ours would become exported_job.
    for (const s of m.samples) assert.ok(!('job' in s.labels) && !('instance' in s.labels), `${s.name} ${JSON.stringify(s.labels)}`);
    // The reader is strict enough to fail on what Prometheus would reject.
    const bad = ['nightshift_x 1\n', '# TYPE nightshift_x gauge\nnightshift_x{a=b} 1\n', '# TYPE nightshift_x gauge\nnightshift_x one\n', '# TYPE nightshift_x dial\n', '# TYPE nightshift_x gauge\nnightshift_x 1'];
    for (const text of bad) assert.throws(() => parseExposition(text), assert.AssertionError, text);
    assert.equal(parseExposition('# a comment\n# TYPE nightshift_x gauge\nnightshift_x{a="b\\"c"} +Inf\n').samples[0]!.labels.a, 'b"c');
  });

  test('with jobs disabled the scheduler and runner report down, and the queue is still read', async (t) => {
    const db = tempDb();
    t.after(() => db.cleanup());
    const { scheduler, queue, logs } = await testApp(db, { enabled: false });
    await scheduler.start();
    queue.enqueue({ type: 'system.ping' });
    const m = await scrape(metricsApp({ store: db.store, scheduler, queue, logger: logs.logger }));
    assert.equal(valueOf(m, 'nightshift_scheduler_up'), 0);
    assert.equal(valueOf(m, 'nightshift_scheduler_enabled'), 0);
    assert.equal(valueOf(m, 'nightshift_scheduler_role', { role: 'disabled' }), 1);
    assert.equal(valueOf(m, 'nightshift_queue_runner_up'), 0);
    assert.equal(valueOf(m, 'nightshift_queue_runner_threads'), 0);
    assert.equal(valueOf(m, 'nightshift_queue_jobs', { status: 'pending', type: 'system.ping' }), 1);
  });

  test('a failing read leaves its gauge out and is counted; the scrape still answers 200', async (t) => {
    const db = tempDb();
    t.after(() => db.cleanup());
    const { scheduler, queue, logs } = await testApp(db);
    const metrics = createMetrics({ store: db.store, logger: logs.logger });
    metrics.attach({ scheduler, queue });
    const app = metricsApp({ store: db.store, scheduler, queue, logger: logs.logger, metrics });
    db.db.exec('DROP INDEX nightshift_queue_jobs_ready_by_type'); // the depth read's oldest-due query names it (INDEXED BY)
    const m = await scrape(app);
    // Both gauges that use the depth read are left out for this scrape, and each failure is counted.
    assert.equal(m.samples.filter((s) => s.name === 'nightshift_queue_jobs').length, 0, 'no stale or partial depth');
    assert.ok(Number.isNaN(valueOf(m, 'nightshift_queue_oldest_due_job_age_seconds')), 'an unlabelled gauge says NaN, not 0');
    for (const gauge of ['nightshift_queue_jobs', 'nightshift_queue_oldest_due_job_age_seconds']) {
      assert.equal(valueOf(m, 'nightshift_metrics_collect_errors_total', { gauge }), 1, gauge);
    }
    assert.equal(valueOf(m, 'nightshift_scheduler_enabled'), 1, 'the other gauges are unaffected');
    assert.equal(valueOf(m, 'nightshift_scheduler_runs_in_progress', { job_name: 'pruneHistory' }), 0, 'other database reads too');
    assert.doesNotMatch(m.text, /no such index|at .*\.ts:\d+/, 'no error text or stack in the output');
    const logged = () => logs.records.filter((r) => r.msg === 'Metrics: a read or an observer failed').length;
    assert.equal(logged(), 2);
    await scrape(app);
    const third = await scrape(app);
    assert.equal(logged(), 2, 'the same failures are not logged again on every scrape');
    assert.equal(valueOf(third, 'nightshift_metrics_collect_errors_total', { gauge: 'nightshift_queue_jobs' }), 3);
  });
});

test('startRuntime serves /metrics on its port, fed by its runner, with process metrics', { timeout: 60_000 }, async () => {
  const t = tempDb();
  const config = parseConfig({
    NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: join(t.dir, 'runtime.db'), JOBS_DIR,
    JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', QUEUE_WORKERS: '1', METRICS_TOKEN,
  });
  const runtime = await startRuntime(config, captureLogs().pino);
  try {
    const { job } = await runtime.queue.enqueue({ type: 'system.ping' });
    await waitForStatus(runtime.queue, job.id, 'completed');
    const res = await fetch(`${runtime.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    const m = parseExposition(await res.text());
    assert.equal(valueOf(m, 'nightshift_queue_attempts_total', { type: 'system.ping', outcome: 'completed' }), 1);
    assert.equal(valueOf(m, 'nightshift_queue_jobs', { status: 'completed', type: 'system.ping' }), 1);
    assert.equal(valueOf(m, 'nightshift_queue_runner_up'), 1);
    assert.equal(valueOf(m, 'nightshift_scheduler_up'), 1);
    assert.ok(m.types.has('process_cpu_seconds_total') && m.types.has('nodejs_eventloop_lag_seconds'), 'standard process metrics');
    assert.equal((await fetch(`${runtime.url}/metrics`)).status, 401);
  } finally {
    await runtime.stop();
    t.cleanup();
  }
});
