// The SQLite store: Nightshift's tables in the app's own SQLite file, behind NightshiftStore. Every
// method answers synchronously (better-sqlite3 is synchronous; a promise per call would cost the
// queue's hot path), which also lets enqueue join the caller's own transaction on its connection.
import type { Db } from './open.ts';
import { openDatabase } from './open.ts';
import { toQueueJob } from '../job-rows.ts';
import type {
  InsertOutcome, JobStore, LeaderStore, MigrationReport, NewJob, NightshiftStore, RunStore, ScheduleStore, StoreHealth, StoreThreadSpec,
} from '../types.ts';
import { cancelJob, retryJob } from './jobs/control.ts';
import { insertJob, insertJobs, jobByIdempotencyKey } from './jobs/insert.ts';
import { cancelRequested, recoverStale, renewLeases } from './jobs/leases.ts';
import { countByStatus, countByTypeAndStatus, jobById, listJobs, progressRow } from './jobs/read.ts';
import { pausedTypes, setPaused } from './jobs/paused.ts';
import { readyTypes } from './jobs/ready-types.ts';
import { tick } from './jobs/tick.ts';
import { acquireLease, readLease, releaseLease } from './leader.ts';
import { migrate, schemaVersion } from './migrate.ts';
import { readQueueDepth, readScheduledRunStats } from './metrics.ts';
import { pruneFinishedJobs, pruneRuns } from './retention.ts';
import { closeAbandonedRuns, countRuns, finishRun, getRun, lastRun, lastStartedAt, listRuns, recordSkipped, startRun } from './runs/ledger.ts';
import { firstSeen, recordFirstSeen } from './schedules.ts';
import { WriteGate } from './write-gate.ts';
import { probeWrite, writeGuard } from './write-guard.ts';
import { storageFaultsOf } from '../storage-faults.ts';

/**
 * The main connection's wal_autocheckpoint while a runner runs (pages; ~40 MB at 4 KiB pages): a
 * backstop above queue-thread.ts's TRUNCATE limit, never reached while the background checkpointer works.
 */
const MAIN_AUTOCHECKPOINT_PAGES = 10_000;
/** checkpoint() truncates the WAL once it passes this size. */
const WAL_LIMIT_BYTES = 16 * 1024 * 1024;

export interface SqliteStoreOptions {
  /** The file path (used for messages and by worker threads, which open their own connection). */
  path: string;
  /** Close the connection on close() (true when the store opened it; the app's own connection stays open). */
  ownsConnection?: boolean;
  /** Shared with this store's worker threads (a thread's store gets the same buffer). */
  gate?: WriteGate;
}

/** The job holding `job`'s idempotency key (an insert with that key was ignored). */
function keyHeld(db: Db, job: NewJob): InsertOutcome {
  const existing = jobByIdempotencyKey(db, job.idempotencyKey!);
  // DO NOTHING fires only on the idempotency key, so the holder exists.
  if (!existing) throw new Error('Insert was ignored but no job has that idempotency key');
  return { inserted: false, existing: toQueueJob(existing) };
}

export class SqliteStore implements NightshiftStore {
  readonly kind = 'sqlite' as const;
  readonly threadSpec: StoreThreadSpec;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly leader: LeaderStore;
  readonly schedules: ScheduleStore;
  /**
   * Raised around every write this store makes, so cleanup batches in job threads step aside for
   * them (src/store/sqlite/write-gate.ts): SQLite has one write lock.
   */
  readonly gate: WriteGate;

  constructor(
    /** The connection this store runs on (SQLite only: job threads and tests may use it). */
    readonly db: Db,
    private readonly options: SqliteStoreOptions,
  ) {
    const gate = (this.gate = options.gate ?? new WriteGate());
    // A full disk: StorageFullError, recorded for /api/health (write-guard.ts).
    const faults = storageFaultsOf(this);
    const guard = writeGuard(db, options.path, faults);
    faults.probe = () => guard(() => gate.write(() => probeWrite(db)));
    const w = <T>(fn: () => T): T => guard(() => gate.write(fn));
    this.threadSpec = { kind: 'sqlite', path: options.path, gate: gate.buffer };
    this.jobs = {
      insert: (job: NewJob, connection?: unknown): InsertOutcome => {
        const on = (connection as Db | undefined) ?? db;
        return w(() => insertJob(on, job)) ? { inserted: true } : keyHeld(on, job);
      },
      insertMany: (jobs: readonly NewJob[], connection?: unknown): InsertOutcome[] => {
        const on = (connection as Db | undefined) ?? db;
        return w(() => insertJobs(on, jobs));
      },
      get: (id) => {
        const row = jobById(db, id);
        return row && toQueueJob(row);
      },
      list: (filter) => listJobs(db, filter),
      progress: (id) => progressRow(db, id),
      cancel: (id, now) => w(() => cancelJob(db, id, now)),
      retry: (id, now) => w(() => retryJob(db, id, now)),
      counts: () => countByStatus(db),
      countsByType: () => countByTypeAndStatus(db),
      tick: (request) => w(() => tick(db, request)),
      upkeep: (r) =>
        w(() =>
          db.transaction(() => {
            const renewed = renewLeases(db, r.held, r.now, r.leaseMs);
            const recovered = recoverStale(db, r.now, (owner) => owner !== r.owner && r.isOwnerGone(owner));
            return { ...renewed, recovered };
          }).immediate(),
        ),
      cancelRequested: (ids) => cancelRequested(db, ids),
      readyTypes: () => readyTypes(db),
      pausedTypes: () => pausedTypes(db),
      setPaused: (r) => w(() => setPaused(db, r)),
      depth: (now) => readQueueDepth(db, now),
      pruneFinished: (cutoff, limit) => pruneFinishedJobs(db, cutoff, limit) // a cleanup itself: it yields, it does not raise the gate,
    };
    this.runs = {
      start: (input) => w(() => startRun(db, input)),
      recordSkipped: (input) => w(() => recordSkipped(db, input)),
      finish: (runId, input) => w(() => finishRun(db, runId, input)),
      get: (runId) => getRun(db, runId),
      list: (filter) => listRuns(db, filter),
      count: (filter) => countRuns(db, filter),
      last: (name) => lastRun(db, name),
      lastStartedAt: (name) => lastStartedAt(db, name),
      closeAbandoned: (isOwnerGone, now, maxRunMs) => w(() => closeAbandonedRuns(db, isOwnerGone, now, maxRunMs)),
      scheduledStats: (names) => readScheduledRunStats(db, names),
      prune: (cutoff, limit) => pruneRuns(db, cutoff, limit),
    };
    this.leader = {
      read: () => readLease(db),
      acquire: (request) => w(() => acquireLease(db, request)),
      release: (owner) => w(() => releaseLease(db, owner)),
    };
    this.schedules = {
      recordFirstSeen: (names, now) => w(() => recordFirstSeen(db, names, now)),
      firstSeen: (names) => firstSeen(db, names),
    };
  }

  migrate(): MigrationReport {
    return migrate(this.db, this.options.path);
  }

  health(): StoreHealth {
    try {
      return { ok: true, schemaVersion: schemaVersion(this.db) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  }

  /**
   * One round of WAL upkeep, run by the first queue thread every checkpointIntervalMs while a
   * runner runs (see runnerAttached): SQLite otherwise checkpoints inside whichever commit crosses
   * wal_autocheckpoint, i.e. now and then inside an enqueue or a claim on the main thread, fsyncs
   * included.
   *   - PASSIVE: copies what it can without blocking anyone; when it backfills the whole log, the
   *     next writer starts the WAL over from its beginning (the file stops growing);
   *   - under a steady write stream PASSIVE rarely catches up fully and the WAL only grows. Past
   *     WAL_LIMIT_BYTES, TRUNCATE: waits briefly for a moment with no writer (50 ms here, not the
   *     5 s busy timeout: the thread runs handlers too), copies everything and truncates the file.
   *     If it cannot get through, the next round tries again (the main connection's raised
   *     autocheckpoint is the backstop).
   */
  checkpoint(): void {
    const db = this.db;
    this.walLimitFrames ??= Math.max(1, Math.floor(WAL_LIMIT_BYTES / ((db.pragma('page_size', { simple: true }) as number) + 24)));
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (!r || r.log <= this.walLimitFrames) return;
    const busyMs = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 50');
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.pragma(`busy_timeout = ${busyMs}`);
    }
  }
  private walLimitFrames?: number;

  connectionBusy(): boolean {
    return this.db.inTransaction;
  }

  /**
   * SQLite runs its automatic checkpoint inside whichever COMMIT pushes the WAL past
   * wal_autocheckpoint pages (1000 by default: every ~240 single-job enqueues), so now and then an
   * enqueue on the request path pays 3-5 ms for it. While a runner runs, queue thread 0
   * checkpoints in the background (checkpoint() below, every checkpointIntervalMs), so this connection's threshold is raised far above
   * what the background checkpointer lets the WAL reach: a backstop only. The returned function
   * restores the previous value, so without a runner SQLite's own autocheckpoint applies as before.
   */
  runnerAttached({ backgroundCheckpoints }: { backgroundCheckpoints: boolean }): () => void {
    const current = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    if (!backgroundCheckpoints || current <= 0 || current >= MAIN_AUTOCHECKPOINT_PAGES) return () => {};
    this.db.pragma(`wal_autocheckpoint = ${MAIN_AUTOCHECKPOINT_PAGES}`);
    return () => {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${current}`);
    };
  }

  close(): void {
    if (this.options.ownsConnection && this.db.open) this.db.close();
  }
}

/**
 * A store on a file path (the store opens and owns the connection, WAL set up) or on a
 * better-sqlite3 Database the app already has (the app keeps owning it).
 */
export function openSqliteStore(database: string | Db, options: { gate?: WriteGate } = {}): SqliteStore {
  if (typeof database === 'string') return new SqliteStore(openDatabase(database), { path: database, ownsConnection: true, gate: options.gate });
  return new SqliteStore(database, { path: database.name, ownsConnection: false, gate: options.gate });
}

/** A worker thread's store: its own connection to the same file, the same write gate. */
export function openThreadStore(spec: Extract<StoreThreadSpec, { kind: 'sqlite' }>): SqliteStore {
  return openSqliteStore(spec.path, { gate: new WriteGate(spec.gate) });
}
