// Scrape-time gauges read from the PostgreSQL store (its reads are promises): queue depth by status
// and type, the oldest due job, scheduled runs in progress; no collect error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import type { NewJob } from '../../src/store/types.ts';
import { captureLogs } from '../helpers/index.ts';
import { testPostgres } from '../helpers/postgres.ts';
import { parseExposition, samplesOf, valueOf } from './helpers.ts';

const server = await testPostgres();

if (!server.available) {
  test('metrics on PostgreSQL', { skip: server.skip }, () => {});
} else {
  const { pg: db } = server;
  const job = (type: string, runAt: number): NewJob => ({
    id: uuidv7(), type, payload: null, tenantId: null, actorId: null, traceId: newTraceId(), requestId: null,
    priority: 0, runAt, maxAttempts: 1, idempotencyKey: null, createdBy: null, createdAt: Date.now(),
  });

  describe('metrics on PostgreSQL', () => {
    test('queue depth, the oldest due job and runs in progress come from the store at each scrape', async () => {
      const store = openPostgresStore(db.url, { schema: db.schemaName('metrics'), max: 2 });
      try {
        await store.migrate();
        const dueAt = Date.now() - 5_000;
        await store.jobs.insertMany([job('a', dueAt), job('a', Date.now() + 60_000), job('b', dueAt + 1_000)]);
        await store.runs.start({ name: 'nightly', trigger: 'schedule', owner: 'someone-else' });
        const metrics = createMetrics({ store, logger: captureLogs().logger });
        const m = parseExposition(await metrics.registry.metrics());
        assert.equal(valueOf(m, 'nightshift_queue_jobs', { status: 'pending', type: 'a' }), 2);
        assert.equal(valueOf(m, 'nightshift_queue_jobs', { status: 'pending', type: 'b' }), 1);
        const age = valueOf(m, 'nightshift_queue_oldest_due_job_age_seconds')!;
        assert.ok(age >= 5 && age < 60, `oldest due job age ${age}`);
        assert.equal(valueOf(m, 'nightshift_scheduler_runs_in_progress', { job_name: 'nightly' }), 1, 'a run another process opened');
        assert.ok(samplesOf(m, 'nightshift_metrics_collect_errors_total').every((s) => s.value === 0), 'no collect failed');
      } finally {
        await store.close();
        await db.dropSchema(store.schema);
      }
    });
  });
}
