// A claim never scans the pending set (issue 11, on PostgreSQL): with a large backlog of waiting
// jobs, of ready jobs of a type this runner does not run, and of finished jobs, EXPLAIN ANALYZE of
// the claim's statements shows each reading its own index, and only the rows it acts on. Checked
// for custom and generic plans (the store prepares its statements; after a few runs PostgreSQL
// may switch a prepared statement to a generic plan), before and after ANALYZE.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLAIM, PROMOTE, READY_BY_TYPE } from '../../src/store/postgres/jobs/claim.ts';
import { COMPLETE } from '../../src/store/postgres/jobs/finish.ts';
import { FINISHED_JOBS } from '../../src/store/postgres/retention.ts';
import { READY_TYPES } from '../../src/store/postgres/jobs/ready-types.ts';
import { BEGIN, SchemaSql } from '../../src/store/postgres/db.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { testPostgres } from '../helpers/postgres.ts';

const server = await testPostgres();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

if (!server.available) {
  test('PostgreSQL claim plans', { skip: server.skip }, () => {});
} else {
  const { pg: db } = server;
  const T0 = 1_790_000_000_000;
  const BACKLOG = 20_000;
  let store: PostgresStore;

  /** EXPLAIN ANALYZE of one of the store's statements (rolled back: EXPLAIN ANALYZE runs it), as a flat list of plan nodes. */
  async function explain(sql: string, params: unknown[], mode: 'force_custom_plan' | 'force_generic_plan'): Promise<PlanNode[]> {
    const text = new SchemaSql(store.schema).text(sql);
    const client = await db.admin.connect();
    try {
      await client.query(BEGIN.tick); // as the runner's tick runs them
      await client.query(`SET LOCAL plan_cache_mode = ${mode}`);
      await client.query(`PREPARE claim_step AS ${text}`);
      const literal = (v: unknown): string => (Array.isArray(v) ? `ARRAY[${v.map(literal).join(',')}]` : typeof v === 'string' ? `'${v}'` : String(v));
      const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE claim_step${params.length ? `(${params.map(literal).join(', ')})` : ''}`);
      return nodes((rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
    } finally {
      await client.query('ROLLBACK');
      await client.query('DEALLOCATE ALL');
      client.release();
    }
  }

  /** The nodes that read queue_jobs: its heap or one of its indexes. */
  const scansOfJobs = (plan: PlanNode[]) => plan.filter((n) => n['Relation Name'] === 'queue_jobs' || n['Index Name']?.startsWith('queue_jobs'));

  describe('PostgreSQL claim plans', () => {
    test('setup: a backlog of waiting, foreign-type ready and finished jobs', async () => {
      store = openPostgresStore(db.url, { schema: db.schemaName('plans'), max: 2 });
      await store.migrate();
      const s = `"${store.schema}".queue_jobs`;
      const row = (kind: string) => `lpad(to_hex(${T0} + g), 12, '0') || '-${kind}-' || g`;
      // Waiting: due in an hour. Foreign: ready, of a type no runner here runs. Finished: completed.
      await db.admin.query(`
        INSERT INTO ${s} (id, type, status, due, trace_id, priority, run_at, max_attempts, created_at, updated_at)
        SELECT ${row('w')}, 'test.echo', 'pending', false, 't', g % 7, ${T0} + 3600000 + g, 3, ${T0}, ${T0} FROM generate_series(1, ${BACKLOG}) g`);
      await db.admin.query(`
        INSERT INTO ${s} (id, type, status, due, trace_id, priority, run_at, max_attempts, created_at, updated_at)
        SELECT ${row('f')}, 'not.here', 'pending', true, 't', 9, ${T0} + g, 3, ${T0}, ${T0} FROM generate_series(1, ${BACKLOG}) g`);
      await db.admin.query(`
        INSERT INTO ${s} (id, type, status, due, trace_id, priority, run_at, max_attempts, created_at, updated_at, completed_at)
        SELECT ${row('c')}, 'test.echo', 'completed', false, 't', 0, ${T0} + g, 3, ${T0}, ${T0}, ${T0} FROM generate_series(1, ${BACKLOG}) g`);
      await db.admin.query(`
        INSERT INTO ${s} (id, type, status, due, trace_id, priority, run_at, max_attempts, created_at, updated_at)
        SELECT ${row('r')}, 'test.echo', 'pending', true, 't', g % 3, ${T0} + g, 3, ${T0}, ${T0} FROM generate_series(1, 50) g`);
    });

    for (const analyzed of [false, true]) {
      for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
        const when = `${analyzed ? 'after' : 'before'} ANALYZE, ${mode === 'force_generic_plan' ? 'generic' : 'custom'} plan`;

        test(`reading ready jobs of the runner's types reads only the rows it takes (${when})`, async () => {
          if (analyzed) await db.admin.query(`ANALYZE "${store.schema}".queue_jobs`);
          const plan = await explain(READY_BY_TYPE, [['test.echo'], [10]], mode);
          const scans = scansOfJobs(plan);
          assert.equal(scans.length, 1, JSON.stringify(plan.map((n) => n['Node Type'])));
          assert.equal(scans[0]!['Node Type'], 'Index Scan');
          assert.equal(scans[0]!['Index Name'], 'queue_jobs_ready_by_type');
          assert.equal(scans[0]!['Actual Rows'], 10, 'exactly the rows claimed, none of the 60,000 others');
          assert.ok(!plan.some((n) => n['Node Type'] === 'Sort'), 'in index order: no sort');
        });

        test(`making due jobs ready reads only the jobs that became due (${when})`, async () => {
          // Read in run_at order on the waiting index, stopping at the batch's LIMIT; then updated by primary key.
          const waitingScan = (plan: PlanNode[]) => {
            assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan' || n['Node Type'].startsWith('Bitmap')), JSON.stringify(plan));
            const scan = plan.find((n) => n['Index Name'] === 'queue_jobs_waiting_by_run_at');
            assert.equal(scan?.['Node Type'], 'Index Scan', JSON.stringify(plan));
            return scan!['Actual Rows'];
          };
          assert.equal(waitingScan(scansOfJobs(await explain(PROMOTE, [T0 + 1_000, 500], mode))), 0, 'nothing due yet: nothing read');
          assert.equal(waitingScan(scansOfJobs(await explain(PROMOTE, [T0 + 3_600_000 + 120, 500], mode))), 120, 'exactly the jobs that became due');
          assert.equal(waitingScan(scansOfJobs(await explain(PROMOTE, [T0 + 9_999_999, 500], mode))), 500, 'a burst: one bounded batch at a time');
        });

        test(`claiming and completing the chosen jobs finds each by primary key (${when})`, async () => {
          const ids = ['x', 'y', 'z'].map((k) => `${(T0 + 1).toString(16).padStart(12, '0')}-r-${k}`);
          for (const [sql, params] of [
            [CLAIM, ['owner', T0 + 60_000, T0, ids, ['t1', 't2', 't3'], ['r1', 'r2', 'r3']]],
            [COMPLETE, [T0, ids, ['t1', 't2', 't3'], ['null', 'null', 'null'], [1, 1, 1], [1, 1, 1], ['r1', 'r2', 'r3'], [true, false, true], ['a', 'a', 'a'], ['t', 't', 't'], [T0, T0, T0], 'owner']],
          ] as const) {
            const plan = scansOfJobs(await explain(sql, [...params], mode));
            assert.ok(plan.length > 0 && plan.every((n) => n['Node Type'] === 'ModifyTable' || n['Index Name'] === 'queue_jobs_pkey'), JSON.stringify(plan));
          }
        });
      }
    }

    test('retention deletes a bounded batch found on the primary key, never by scanning the table', async () => {
      const plan = scansOfJobs(await explain(FINISHED_JOBS, [(T0 + 100).toString(16).padStart(12, '0'), T0 + 100, 50], 'force_generic_plan'));
      assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan'), JSON.stringify(plan));
      const range = plan.find((n) => n['Index Name'] === 'queue_jobs_pkey' && n['Node Type'] !== 'ModifyTable' && n['Actual Loops'] === 1 && n['Actual Rows'] === 50);
      assert.ok(range, `a primary-key range read of the batch: ${JSON.stringify(plan)}`);
    });

    test('the types with ready jobs are found with one index seek per type, not by reading the ready set', async () => {
      const plan = scansOfJobs(await explain(READY_TYPES, [], 'force_custom_plan'));
      assert.ok(!plan.some((n) => n['Node Type'] === 'Seq Scan' || n['Node Type'].startsWith('Bitmap')), JSON.stringify(plan));
      const reads = plan.filter((n) => n['Index Name'] === 'queue_jobs_ready_by_type');
      assert.ok(reads.length > 0, JSON.stringify(plan));
      // Two ready types (20,000 of not.here, 50 of test.echo): each seek returns one row, three seeks in all.
      assert.ok(reads.every((n) => n['Actual Rows'] <= 1), JSON.stringify(reads));
      assert.ok(reads.reduce((sum, n) => sum + n['Actual Loops'], 0) <= 3, JSON.stringify(reads));
    });

    test('a tick over the backlog claims the ready jobs in claim order', async () => {
      const { claimed, moreDue } = await store.jobs.tick({
        now: T0 + 100, owner: 'o', leaseMs: 1_000, endings: [], planEnding: () => assert.fail(), openRuns: [], progress: [],
        claim: { room: 5, caps: new Map(), types: ['test.echo'], place: (c) => c },
      });
      assert.equal(claimed.length, 5);
      assert.equal(moreDue, false);
      const priorities = await db.admin.query(`SELECT priority FROM "${store.schema}".queue_jobs WHERE id = ANY($1) ORDER BY priority DESC`, [claimed.map((c) => c.id)]);
      assert.deepEqual(priorities.rows.map((r) => r.priority), [2, 2, 2, 2, 2]);
    });

    test('teardown', async () => {
      await store.close();
      await db.dropSchema(store.schema);
    });
  });
}
