// The store contract on the PostgreSQL store (a fresh schema per test in this file's own database;
// see test/helpers/postgres.ts), then what only PostgreSQL has: its schema, the app's transaction
// on its own client, the app's pool, and the error for a database it cannot reach.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { newTraceId, uuidv7 } from '../../src/core/ids.ts';
import { IdempotencyKeyReusedError } from '../../src/queue/errors.ts';
import { SchemaTooNewError } from '../../src/store/errors.ts';
import { DatabaseUnreachableError, openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { migrations } from '../../src/store/postgres/migrations/index.ts';
import type { NewJob } from '../../src/store/types.ts';
import { WORKER_ENTRY } from '../../src/threads/paths.ts';
import { testPostgres } from '../helpers/postgres.ts';
import { storeContract } from './contract.ts';

const server = await testPostgres();

if (!server.available) {
  test('PostgreSQL store', { skip: server.skip }, () => {});
} else {
  const { pg: db } = server;

  storeContract('postgres', {
    async open() {
      const store = openPostgresStore(db.url, { schema: db.schemaName('contract'), max: 3 });
      await store.migrate();
      return store;
    },
    async dispose(store) {
      await db.dropSchema((store as PostgresStore).schema);
    },
  });

  const job = (over: Partial<NewJob> = {}): NewJob => {
    const createdAt = over.createdAt ?? Date.now();
    return {
      id: uuidv7(createdAt), type: 'test.echo', payload: '{"b":1,"a":[2,{"z":0,"y":1}]}', tenantId: null, actorId: null, traceId: newTraceId(),
      requestId: null, priority: 0, runAt: createdAt, maxAttempts: 3, idempotencyKey: null, createdBy: null, createdAt, ...over,
    };
  };

  /** A migrated store on a fresh schema; closed (and the schema dropped) after `fn`. */
  const withStore = async (fn: (store: PostgresStore) => Promise<void>, open: () => PostgresStore = () => openPostgresStore(db.url, { schema: db.schemaName(), max: 2 })) => {
    const store = open();
    try {
      await store.migrate();
      await fn(store);
    } finally {
      await store.close();
      await db.dropSchema(store.schema);
    }
  };

  describe('PostgreSQL store', () => {
    test("tables live in their own schema, named as configured, with the migration recorded there", async () => {
      const schema = db.schemaName('custom_schema');
      await withStore(
        async (store) => {
          assert.equal(store.schema, schema);
          const tables = await db.admin.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [schema]);
          assert.deepEqual(tables.rows.map((r) => r.table_name), ['job_runs', 'migrations', 'paused_types', 'queue_jobs', 'scheduled_jobs', 'scheduler_lease']);
          const public_ = await db.admin.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
          assert.equal(public_.rows[0].n, 0, 'nothing in public');
          const versions = await db.admin.query(`SELECT version FROM "${schema}".migrations`);
          assert.deepEqual(versions.rows.map((r) => r.version).sort(), [1, 2]);
        },
        () => openPostgresStore(db.url, { schema, max: 2 }),
      );
    });

    test('an invalid schema name is refused before anything connects', () => {
      for (const bad of ['Nightshift', 'a-b', 'x"; DROP TABLE y; --', '', 'pg_catalog', '1abc', 'a'.repeat(64)]) {
        assert.throws(() => openPostgresStore(db.url, { schema: bad }), /Invalid PostgreSQL schema name/, bad);
      }
    });

    test('the default schema is nightshift', async () => {
      const store = openPostgresStore(db.url);
      assert.equal(store.schema, 'nightshift');
      assert.deepEqual(store.threadSpec, { kind: 'postgres', url: db.url, schema: 'nightshift', poolMax: 2 });
      await store.close();
    });

    test('payloads, results and run details come back byte for byte (key order, spacing, unicode)', async () => {
      await withStore(async (store) => {
        const payload = '{"z":1,"a":{"c":[3,2,1],"b":"é ✓ \\u0000"},"m":1.50,"dup":1,"dup":2}';
        const j = job({ payload });
        await store.jobs.insert(j);
        const row = await db.admin.query(`SELECT payload FROM "${store.schema}".queue_jobs WHERE id = $1`, [j.id]);
        assert.equal(row.rows[0].payload, payload, 'stored as given');
        assert.equal(JSON.stringify((await store.jobs.get(j.id))!.payload), JSON.stringify(JSON.parse(payload)));
      });
    });

    test('enqueue on the app\'s client inside its transaction commits and rolls back with the app\'s rows', async () => {
      await withStore(async (store) => {
        await db.admin.query(`CREATE TABLE "${store.schema}".orders (id text PRIMARY KEY)`);
        const client = await db.admin.connect();
        try {
          const committed = job({ idempotencyKey: 'receipt-1' });
          await client.query('BEGIN');
          await client.query(`INSERT INTO "${store.schema}".orders (id) VALUES ('o-1')`);
          assert.deepEqual(await store.jobs.insert(committed, client), { inserted: true });
          assert.equal(await store.jobs.get(committed.id), undefined, 'not visible outside the transaction before COMMIT');
          const again = await store.jobs.insert(job({ idempotencyKey: 'receipt-1' }), client);
          assert.equal(!again.inserted && again.existing.id, committed.id, 'the key held inside the same transaction');
          await client.query('COMMIT');
          assert.equal((await store.jobs.get(committed.id))!.status, 'pending');

          const rolledBack = [job(), job()];
          await client.query('BEGIN');
          await client.query(`INSERT INTO "${store.schema}".orders (id) VALUES ('o-2')`);
          assert.deepEqual(await store.jobs.insertMany(rolledBack, client), [{ inserted: true }, { inserted: true }]);
          await client.query('ROLLBACK');
          for (const j of rolledBack) assert.equal(await store.jobs.get(j.id), undefined, 'rolled back with the order');
          const orders = await db.admin.query(`SELECT id FROM "${store.schema}".orders ORDER BY id`);
          assert.deepEqual(orders.rows.map((r) => r.id), ['o-1']);
        } finally {
          client.release();
        }
        assert.equal((await store.jobs.counts()).pending, 1);
      });
    });

    test('insertMany with a key held by a job of another type stores nothing: on the pool, in the app\'s transaction (which stays usable), on a client with none open', async () => {
      await withStore(async (store) => {
        const holder = job({ type: 'a', idempotencyKey: 'k-1' });
        await store.jobs.insert(holder);
        const batch = () => [job({ type: 'b' }), job({ type: 'b', idempotencyKey: 'k-1' })];
        const refused = (err: unknown) => err instanceof IdempotencyKeyReusedError && err.existingJobId === holder.id && err.existingType === 'a';
        const first = batch();
        await assert.rejects(async () => store.jobs.insertMany(first), refused);
        assert.equal(await store.jobs.get(first[0]!.id), undefined, 'the batch rolled back');

        await db.admin.query(`CREATE TABLE "${store.schema}".orders (id text PRIMARY KEY)`);
        const client = await db.admin.connect();
        try {
          const second = batch();
          await client.query('BEGIN');
          await client.query(`INSERT INTO "${store.schema}".orders (id) VALUES ('o-1')`);
          await assert.rejects(async () => store.jobs.insertMany(second, client), refused);
          const kept = [job({ type: 'c' })];
          assert.deepEqual(await store.jobs.insertMany(kept, client), [{ inserted: true }], "the app's transaction goes on");
          await client.query('COMMIT');
          assert.equal(await store.jobs.get(second[0]!.id), undefined);
          assert.ok(await store.jobs.get(kept[0]!.id));
          assert.equal((await db.admin.query(`SELECT count(*)::int AS n FROM "${store.schema}".orders`)).rows[0].n, 1);

          const third = batch();
          await assert.rejects(async () => store.jobs.insertMany(third, client), refused);
          assert.equal(await store.jobs.get(third[0]!.id), undefined, 'no transaction open: the batch had its own');
          assert.deepEqual((await client.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'and the client is left with none open');
        } finally {
          client.release();
        }
        assert.equal((await store.jobs.counts()).pending, 2);
      });
    });

    test('a list shows a large error log as its newest entry, its message cut; get has it whole', async () => {
      await withStore(async (store) => {
        const j = job();
        await store.jobs.insert(j);
        const log = Array.from({ length: 5 }, (_, i) => ({ at: new Date(i).toISOString(), attempt: i + 1, message: `failure ${i} `.repeat(100) }));
        await db.admin.query(`UPDATE "${store.schema}".queue_jobs SET error_log = $2, last_error = $3 WHERE id = $1`, [j.id, JSON.stringify(log), 'x'.repeat(3000)]);
        const [listed] = (await store.jobs.list({ limit: 1 })).jobs as (Awaited<ReturnType<typeof store.jobs.get>> & { truncated?: string[] })[];
        assert.deepEqual(listed!.truncated, ['errorLog', 'lastError']);
        assert.equal(listed!.errorLog.length, 1);
        assert.deepEqual([listed!.errorLog[0]!.at, listed!.errorLog[0]!.attempt], [log[4]!.at, 5]);
        assert.match(listed!.errorLog[0]!.message, /^failure 4 .*… \(1000 bytes; whole on the item's own page\)$/);
        assert.match(listed!.lastError!, /^x{200}… \(3000 bytes/);
        assert.deepEqual((await store.jobs.get(j.id))!.errorLog, log);
      });
    });

    test('enqueue on a client with no transaction open stores at once; a value that is not a client is refused', async () => {
      await withStore(async (store) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const j = job();
          assert.deepEqual(await store.jobs.insert(j, client), { inserted: true });
          assert.ok(await store.jobs.get(j.id));
          await assert.rejects(async () => store.jobs.insert(job(), { not: 'a client' }), /node-postgres client/);
        } finally {
          await client.end();
        }
      });
    });

    test("a store on the app's pool leaves the pool open on close()", async () => {
      const pool = new pg.Pool({ connectionString: db.url, max: 2 });
      const schema = db.schemaName('app_pool');
      const store = openPostgresStore(pool, { schema });
      try {
        await store.migrate();
        assert.equal((await store.health()).ok, true);
        assert.equal(store.threadSpec.schema, schema);
        await store.close();
        assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1, 'the pool still answers');
        // The app's own queries keep pg's default parsing: int8 as a string.
        assert.equal((await pool.query('SELECT 9007199254740993::bigint AS n')).rows[0].n, '9007199254740993');
      } finally {
        await db.dropSchema(schema);
        await pool.end();
      }
    });

    test("the app's global type parsers change nothing the store reads", async () => {
      const restore = [16, 20, 23, 25].map((oid) => [oid, pg.types.getTypeParser(oid, 'text')] as const);
      for (const [oid] of restore) pg.types.setTypeParser(oid, 'text', (v: string) => `app:${v}`);
      try {
        await withStore(async (store) => {
          const j = job({ payload: '{"a":1}', priority: 3 });
          await store.jobs.insert(j);
          const read = (await store.jobs.get(j.id))!;
          assert.deepEqual([read.payload, read.priority, read.createdAt], [{ a: 1 }, 3, new Date(j.createdAt).toISOString()]);
          assert.equal((await store.jobs.counts()).pending, 1);
        });
      } finally {
        for (const [oid, parser] of restore) pg.types.setTypeParser(oid, 'text', parser);
      }
    });

    /** Runs test/fixtures/postgres-thread.ts in a worker thread with `spec`; resolves with what it reports. */
    const inThread = (spec: unknown, j: NewJob, readId: string) =>
      new Promise<{ inserted: unknown; seenType?: string; poolMax: number; schema: string }>((resolve, reject) => {
        const entry = fileURLToPath(new URL('../fixtures/postgres-thread.ts', import.meta.url));
        const worker = new Worker(WORKER_ENTRY, { workerData: { entry, spec, job: j, readId } });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`thread exited with ${code}`)));
      });

    test('a worker thread opens its own store from threadSpec: the same database and schema, a pool of at most 2', async () => {
      await withStore(async (store) => {
        const mine = job({ type: 'from.main' });
        await store.jobs.insert(mine);
        const theirs = job({ type: 'from.thread' });
        const report = await inThread(store.threadSpec, theirs, mine.id);
        assert.deepEqual(report, { inserted: { inserted: true }, seenType: 'from.main', poolMax: 2, schema: store.schema });
        assert.equal((await store.jobs.get(theirs.id))!.type, 'from.thread');
      });
    });

    test("a store on the app's pool (configured field by field) gives threads a spec they can connect with", async () => {
      const u = new URL(db.url);
      const pool = new pg.Pool({ host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), database: u.pathname.slice(1), max: 1 });
      const schema = db.schemaName('fields');
      const store = openPostgresStore(pool, { schema });
      try {
        await store.migrate();
        assert.equal(store.threadSpec.kind, 'postgres');
        const report = await inThread(store.threadSpec, job({ type: 'from.thread' }), 'none');
        assert.deepEqual(report.inserted, { inserted: true });
        assert.equal(report.schema, schema);
      } finally {
        await store.close();
        await db.dropSchema(schema);
        await pool.end();
      }
    });

    test('an idle connection the server ends does not crash the process; the next call reconnects', async () => {
      await withStore(async (store) => {
        await store.jobs.counts(); // the pool now holds an idle connection
        const ended = await db.admin.query(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'nightshift' AND pid <> pg_backend_pid()`,
        );
        assert.ok(ended.rows[0].n >= 1);
        for (let i = 0; i < 50 && !store.lastIdleError; i++) await new Promise((r) => setTimeout(r, 20));
        assert.match(String(store.lastIdleError), /terminating connection/);
        assert.deepEqual(await store.jobs.counts(), { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 });
        assert.equal((await store.health()).ok, true);
      });
    });

    test('statements are prepared once per connection, unless prepare: false (poolers that cannot keep them)', async () => {
      for (const prepare of [true, false]) {
        // One connection, so the check below runs in the session the store's statements ran in.
        await withStore(
          async (store) => {
            await store.jobs.insert(job());
            await store.jobs.tick({
              now: Date.now(), owner: 'o', leaseMs: 1_000, endings: [], planEnding: () => assert.fail(), openRuns: [], progress: [],
              claim: { room: 5, caps: new Map(), types: ['test.echo'], place: (c) => c },
            });
            const { rows } = await store.pool.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'ns\\_%'`);
            assert.equal(rows[0].n > 0, prepare, `prepare: ${prepare}`);
            assert.equal(store.threadSpec.prepare, prepare ? undefined : false, 'threads follow');
          },
          () => openPostgresStore(db.url, { schema: db.schemaName('prep'), max: 1, prepare }),
        );
      }
    });

    test('a schema migrated by a newer Nightshift is refused, naming the database without its password', async () => {
      await withStore(async (store) => {
        await db.admin.query(`INSERT INTO "${store.schema}".migrations (version, name, applied_at) VALUES (99, 'future', 0)`);
        const url = new URL(db.url);
        url.password = 's3cret-pw';
        const other = openPostgresStore(url.toString(), { schema: store.schema });
        try {
          await assert.rejects(
            () => other.migrate(),
            (err: Error) => {
              assert.ok(err instanceof SchemaTooNewError, String(err));
              assert.match(err.message, new RegExp(`schema version 99, newer than this Nightshift supports \\(version ${migrations.at(-1)!.version}\\)`));
              assert.match(err.message, new RegExp(`schema ${store.schema}`));
              assert.doesNotMatch(err.message, /s3cret-pw/);
              return true;
            },
          );
          const health = await store.health();
          assert.deepEqual(health, { ok: true, schemaVersion: 99 });
        } finally {
          await other.close();
        }
      });
    });

    test('an unreachable database: migrate() rejects with one line naming host:port and the cause, health() reports it', async () => {
      const store = openPostgresStore('postgres://nightshift:hunter2-secret@127.0.0.1:1/app');
      try {
        const err = await store.migrate().then(
          () => assert.fail('migrate() should reject'),
          (e: Error) => e,
        );
        assert.ok(err instanceof DatabaseUnreachableError, String(err));
        assert.match(err.message, /^Cannot connect to PostgreSQL at nightshift@127\.0\.0\.1:1\/app: .*ECONNREFUSED/);
        assert.doesNotMatch(err.message, /hunter2/);
        assert.equal(err.message.includes('\n'), false, 'one line');
        const health = await store.health();
        assert.equal(health.ok, false);
        assert.match(health.error!, /Cannot connect to PostgreSQL at nightshift@127\.0\.0\.1:1\/app/);
      } finally {
        await store.close();
      }
      await store.close(); // twice is fine
    });

    test('a database that does not exist is reported in one line, without the password', async () => {
      const url = new URL(db.url);
      url.password = 'hunter2-secret';
      url.pathname = '/no_such_database';
      const store = openPostgresStore(url.toString());
      try {
        await assert.rejects(() => store.migrate(), (err: Error) => {
          assert.ok(err instanceof DatabaseUnreachableError, String(err));
          assert.match(err.message, /no_such_database/);
          assert.doesNotMatch(err.message, /hunter2/);
          return true;
        });
      } finally {
        await store.close();
      }
    });
  });
}
