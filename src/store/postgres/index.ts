// The PostgreSQL store: Nightshift's tables in their own schema of a PostgreSQL database, behind
// NightshiftStore. Every method answers with a promise. Operations that must be atomic run in one
// transaction on one pooled client; single statements go to the pool. Several instances (several
// processes, hosts) may share one database: claims use FOR UPDATE SKIP LOCKED, and the steps that
// decide from a read (a run's overlap check, the scheduler lease, per-type caps, migrations) take
// an advisory lock first.
//
// Connections: a store opened on a URL owns a pool of `max` connections (10 by default) and closes
// it on close(); a pool passed in stays the app's (close() leaves it open). A worker thread opens
// its own store from `threadSpec`, with a pool of at most 2 connections (THREAD_POOL_MAX).
import { IdempotencyKeyReusedError } from '../../queue/errors.ts';
import pg from 'pg';
import { toQueueJob } from '../job-rows.ts';
import type {
  InsertOutcome, JobStore, LeaderStore, MigrationReport, NewJob, NightshiftStore, RunStore, ScheduleStore, StoreHealth, StoreThreadSpec,
} from '../types.ts';
import {
  asUnreachable, checkSchemaName, DEFAULT_SCHEMA, describeTarget, openPool, THREAD_POOL_MAX, watchIdleErrors, type Pool, type PoolConfig,
} from './connect.ts';
import { BEGIN, Db, onLentClient, SchemaSql, transaction, type Queryable } from './db.ts';
import { cancelJob, retryJob } from './jobs/control.ts';
import { insertJob, insertJobs, jobsByIdempotencyKey } from './jobs/insert.ts';
import { cancelRequested, recoverStale, renewLeases } from './jobs/leases.ts';
import { countByStatus, countByTypeAndStatus, jobById, listJobs, progressRow } from './jobs/read.ts';
import { pausedTypes, setPaused } from './jobs/paused.ts';
import { readyTypes } from './jobs/ready-types.ts';
import { tick } from './jobs/tick.ts';
import { acquireLease, readLease, releaseLease } from './leader.ts';
import { readQueueDepth, readScheduledRunStats } from './metrics.ts';
import { migrate, schemaVersion } from './migrate.ts';
import { pruneFinishedJobs, pruneRuns } from './retention.ts';
import { closeAbandonedRuns, countRuns, finishRun, getRun, lastRun, lastStartedAt, listRuns, recordSkipped, startRun } from './runs/ledger.ts';
import { firstSeen, recordFirstSeen } from './schedules.ts';

export { DatabaseUnreachableError, DEFAULT_SCHEMA, THREAD_POOL_MAX } from './connect.ts';

export type PostgresThreadSpec = Extract<StoreThreadSpec, { kind: 'postgres' }>;

export interface PostgresStoreOptions {
  /** The schema of Nightshift's tables (created by migrate()); `nightshift` by default. */
  schema?: string;
  /** Connections of the pool the store opens from a URL (not used with a pool passed in). */
  max?: number;
  /**
   * Prepare the store's statements once per connection (default true). Turn off behind a
   * connection pooler that cannot keep prepared statements (PgBouncer before 1.21, or with
   * max_prepared_statements = 0, in transaction mode).
   */
  prepare?: boolean;
}

interface StoreSetup {
  schema: string;
  ownsPool: boolean;
  threadSpec: PostgresThreadSpec;
  prepare: boolean;
}

/** A node-postgres Pool (not one client): it has no transaction of the app's to join. */
function isPool(connection: unknown): connection is Pool {
  return connection instanceof pg.Pool || (typeof (connection as Pool)?.connect === 'function' && typeof (connection as Pool)?.totalCount === 'number');
}

/** The app's own client (or pool) with its transaction open: anything node-postgres-like with query(). */
function asQueryable(connection: unknown): Queryable {
  if (connection && typeof (connection as Queryable).query === 'function') return connection as Queryable;
  throw new TypeError('connection must be a node-postgres client (pg.Client or a PoolClient from pool.connect())');
}

export class PostgresStore implements NightshiftStore {
  readonly kind = 'postgres' as const;
  readonly threadSpec: PostgresThreadSpec;
  readonly schema: string;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly leader: LeaderStore;
  readonly schedules: ScheduleStore;
  private readonly sql: SchemaSql;
  /** Single statements, each on whichever pooled connection is free. */
  private readonly db: Db;
  private readonly ownsPool: boolean;
  private readonly stopWatching: () => void;
  /** The last error of an idle pooled connection (the server restarted...), for health(). */
  private idleError?: Error;
  private closed = false;

  constructor(
    /** The pool this store runs on. */
    readonly pool: Pool,
    setup: StoreSetup,
  ) {
    this.schema = checkSchemaName(setup.schema);
    this.ownsPool = setup.ownsPool;
    this.threadSpec = setup.threadSpec;
    const sql = (this.sql = new SchemaSql(this.schema));
    const db = (this.db = new Db(pool, sql, setup.prepare));
    // The app's pool is the app's to watch; ours must not crash the process when an idle connection dies.
    this.stopWatching = setup.ownsPool ? watchIdleErrors(pool, (err) => (this.idleError = err)) : () => {};
    const tx = <T>(fn: (db: Db) => Promise<T>) => transaction(pool, sql, fn, BEGIN.write, setup.prepare);
    const snapshot = <T>(fn: (db: Db) => Promise<T>) => transaction(pool, sql, fn, BEGIN.snapshot, setup.prepare);
    /** The caller's client (no BEGIN of ours: its transaction, if open, is the one we join), else the pool. */
    const on = (connection: unknown) => (connection === undefined ? db : new Db(asQueryable(connection), sql, false));

    this.jobs = {
      insert: async (job: NewJob, connection?: unknown): Promise<InsertOutcome> => {
        const target = on(connection);
        if (await insertJob(target, job)) return { inserted: true };
        return (await this.keysHeld(target, [job]))[0]!;
      },
      // All or nothing, including the check that no key is held by a job of another type: in a
      // transaction of ours, or a savepoint in the app's (see onLentClient).
      insertMany: async (jobs: readonly NewJob[], connection?: unknown): Promise<InsertOutcome[]> => {
        if (jobs.length === 0) return [];
        const batch = (t: Db) => this.insertBatch(t, jobs);
        if (connection === undefined || isPool(connection)) return transaction((connection as Pool | undefined) ?? pool, sql, batch, BEGIN.write, setup.prepare && connection === undefined);
        return onLentClient(asQueryable(connection), sql, batch);
      },
      get: async (id) => {
        const row = await jobById(db, id);
        return row && toQueueJob(row);
      },
      list: (filter) => snapshot((s) => listJobs(s, filter)),
      progress: (id) => progressRow(db, id),
      cancel: (id, now) => tx((t) => cancelJob(t, id, now)),
      retry: (id, now) => tx((t) => retryJob(t, id, now)),
      counts: () => countByStatus(db),
      countsByType: () => countByTypeAndStatus(db),
      tick: (request) => transaction(pool, sql, (t) => tick(t, request), BEGIN.tick, setup.prepare),
      upkeep: (r) =>
        tx(async (t) => {
          const renewed = await renewLeases(t, r.held, r.now, r.leaseMs);
          const recovered = await recoverStale(t, r.now, (owner) => owner !== r.owner && r.isOwnerGone(owner));
          return { ...renewed, recovered };
        }),
      cancelRequested: (ids) => cancelRequested(db, ids),
      readyTypes: () => readyTypes(db),
      pausedTypes: () => pausedTypes(db),
      setPaused: (r) => setPaused(db, r),
      depth: (now) => snapshot((s) => readQueueDepth(s, now)),
      pruneFinished: (cutoff, limit) => pruneFinishedJobs(db, cutoff, limit),
    };
    this.runs = {
      start: (input) => tx((t) => startRun(t, input)),
      recordSkipped: (input) => recordSkipped(db, input),
      finish: (runId, input) => finishRun(db, runId, input),
      get: (runId) => getRun(db, runId),
      list: (filter) => listRuns(db, filter),
      count: (filter) => countRuns(db, filter),
      last: (name) => lastRun(db, name),
      lastStartedAt: (name) => lastStartedAt(db, name),
      closeAbandoned: (isOwnerGone, now, maxRunMs) => tx((t) => closeAbandonedRuns(t, isOwnerGone, now, maxRunMs)),
      scheduledStats: (names) => snapshot((s) => readScheduledRunStats(s, names)),
      prune: (cutoff, limit) => pruneRuns(db, cutoff, limit),
    };
    this.leader = {
      read: () => readLease(db),
      acquire: (request) => tx((t) => acquireLease(t, request)),
      release: (owner) => releaseLease(db, owner),
    };
    this.schedules = {
      recordFirstSeen: (names, now) => recordFirstSeen(db, names, now),
      firstSeen: (names) => firstSeen(db, names),
    };
  }

  /**
   * Inserts a batch (one statement) and answers, per job, inserted or the job holding its key. A key
   * held by a job of another type is a client bug, not a repeat: IdempotencyKeyReusedError, and the
   * caller's transaction or savepoint undoes the batch.
   */
  private async insertBatch(db: Db, jobs: readonly NewJob[]): Promise<InsertOutcome[]> {
    const inserted = await insertJobs(db, jobs);
    const held = await this.keysHeld(db, jobs.filter((_, i) => !inserted[i]));
    return jobs.map((job, i) => {
      if (inserted[i]) return { inserted: true };
      const outcome = held.shift()!;
      if (!outcome.inserted && outcome.existing.type !== job.type) throw new IdempotencyKeyReusedError(job.idempotencyKey!, outcome.existing.id, outcome.existing.type);
      return outcome;
    });
  }

  /** For jobs whose insert was ignored: the job holding each one's idempotency key, in order. */
  private async keysHeld(db: Db, jobs: readonly NewJob[]): Promise<InsertOutcome[]> {
    if (jobs.length === 0) return [];
    const holders = await jobsByIdempotencyKey(db, [...new Set(jobs.map((j) => j.idempotencyKey!))]);
    return jobs.map((job) => {
      const existing = holders.get(job.idempotencyKey!);
      // DO NOTHING fires only on the idempotency key, so the holder exists (unless pruned meanwhile).
      if (!existing) throw new Error(`Insert was ignored but no job has the idempotency key "${job.idempotencyKey}"`);
      return { inserted: false, existing: toQueueJob(existing) };
    });
  }

  /** The database as errors name it: `postgres://user@host:port/db (schema name)`, no password. */
  get label(): string {
    return `postgres://${describeTarget(this.pool)} (schema ${this.schema})`;
  }

  async migrate(): Promise<MigrationReport> {
    try {
      return await transaction(this.pool, this.sql, (db) => migrate(db, this.label), BEGIN.write, this.db.prepared);
    } catch (err) {
      throw asUnreachable(err, this.pool);
    }
  }

  async health(): Promise<StoreHealth> {
    try {
      return { ok: true, schemaVersion: await schemaVersion(this.db) };
    } catch (err) {
      const e = asUnreachable(err, this.pool) as Error;
      return { ok: false, error: e.message ?? String(e) };
    }
  }

  /** The last error an idle pooled connection reported (the pool replaced that connection). */
  get lastIdleError(): Error | undefined {
    return this.idleError;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Watched until the end: a connection that fails while the pool closes must not crash the process.
    if (this.ownsPool) await this.pool.end();
    this.stopWatching();
  }
}

/**
 * What a worker thread needs to open its own pool on the same database: a URL with the
 * credentials (threads are in this process, the spec never leaves it). For a pool passed in, the
 * URL is rebuilt from its options; a password given as a function, and SSL options that cannot be
 * copied to a thread (functions), are left out: give such apps' threads a URL instead.
 */
export function threadSpecOf(pool: Pool, schema: string, prepare: boolean, url?: string): PostgresThreadSpec {
  const o = pool.options as PoolConfig;
  const spec: PostgresThreadSpec = { kind: 'postgres', url: url ?? o.connectionString ?? urlOf(o), schema, poolMax: THREAD_POOL_MAX };
  if (!prepare) spec.prepare = false;
  if (o.ssl !== undefined && isCloneable(o.ssl)) spec.ssl = o.ssl as PostgresThreadSpec['ssl'];
  return spec;
}

function urlOf(o: PoolConfig): string {
  const url = new URL('postgres://localhost');
  if (o.host) url.hostname = o.host;
  if (o.port) url.port = String(o.port);
  if (o.user) url.username = encodeURIComponent(o.user);
  if (typeof o.password === 'string') url.password = encodeURIComponent(o.password);
  if (o.database) url.pathname = `/${encodeURIComponent(o.database)}`;
  // A Unix socket directory as host: pass it as a query parameter, which pg reads back.
  if (o.host?.startsWith('/')) (url.hostname = 'localhost', url.searchParams.set('host', o.host));
  return url.toString();
}

function isCloneable(value: unknown): boolean {
  if (typeof value === 'function') return false;
  if (value && typeof value === 'object') return Object.values(value).every(isCloneable);
  return true;
}

/**
 * A store on a URL (the store opens and owns a pool) or on the app's node-postgres Pool (the app
 * keeps owning it). Nothing connects until the first call: migrate() is where an unreachable
 * database is reported (DatabaseUnreachableError, one line naming user@host:port/database).
 */
export function openPostgresStore(database: string | Pool, options: PostgresStoreOptions = {}): PostgresStore {
  const schema = checkSchemaName(options.schema ?? DEFAULT_SCHEMA);
  const prepare = options.prepare ?? true;
  if (typeof database === 'string') {
    const pool = openPool(database, { max: options.max });
    return new PostgresStore(pool, { schema, ownsPool: true, prepare, threadSpec: threadSpecOf(pool, schema, prepare, database) });
  }
  return new PostgresStore(database, { schema, ownsPool: false, prepare, threadSpec: threadSpecOf(database, schema, prepare) });
}

/** A worker thread's store: its own small pool (spec.poolMax, 2 by default) on the same database and schema. */
export function openPostgresThreadStore(spec: PostgresThreadSpec): PostgresStore {
  const pool = openPool(spec.url, { max: spec.poolMax ?? THREAD_POOL_MAX, ssl: spec.ssl });
  return new PostgresStore(pool, { schema: spec.schema, ownsPool: true, prepare: spec.prepare ?? true, threadSpec: spec });
}
