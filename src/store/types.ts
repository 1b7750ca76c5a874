// The storage seam: everything Nightshift keeps (queue jobs, the run ledger, the scheduler's lease,
// when each scheduled job was first seen, its own schema version) goes through this interface, and
// every SQL statement lives in one backend folder beneath it (src/store/sqlite/ today; PostgreSQL
// next). Nothing above it imports a database driver.
//
// Sync or async: every method returns Awaitable<T>. The SQLite store answers synchronously (its
// driver is synchronous and a promise per call would cost the hot path), a PostgreSQL store with a
// promise; engine code awaits either. Operations that must be atomic are one method each (a tick of
// the queue runner, a lease upkeep, a run start with its overlap check): a backend runs each in one
// transaction, and the engine's decisions inside them (which jobs to place on which thread, how an
// attempt's failure is retried) come in as plain synchronous functions, which any backend can call
// between its statements.
import type { JobDetails, RunTrigger } from '../jobs/define.ts';
import type { JobRun, RunCountFilter, RunFilter, RunStatus, FinalStatus } from '../runs/types.ts';
import type { CancelOutcome, ListFilter, QueueCounts, QueueJob, QueueJobStatus, RetryOutcome } from '../queue/types.ts';
import type { JobRow } from './job-rows.ts';
import type { ListedJobRun, ListedQueueJob } from './list-bounds.ts';

export type Awaitable<T> = T | Promise<T>;

/** Which backend, for the rare caller that must know (thread bootstrap, health, docs). */
export type StoreKind = 'sqlite' | 'postgres';

export interface NightshiftStore {
  readonly kind: StoreKind;
  /** What a worker thread needs to open its own store on the same database (structured-cloneable). */
  readonly threadSpec: StoreThreadSpec;
  /** Applies Nightshift's pending migrations; refuses a schema newer than this code knows. */
  migrate(): Awaitable<MigrationReport>;
  /** Liveness of the database and Nightshift's schema version in it. */
  health(): Awaitable<StoreHealth>;
  close(): Awaitable<void>;
  /**
   * True while someone else's transaction is open on the connection the store shares with the app
   * (SQLite: the app's own Database); the runner then waits instead of writing inside it.
   */
  connectionBusy?(): boolean;
  /**
   * A queue runner starts on this store; returns how to undo what the store tuned for it (SQLite:
   * WAL checkpoints move off the main connection while a queue thread runs them in the background).
   */
  runnerAttached?(options: { backgroundCheckpoints: boolean }): () => void;
  /** Periodic housekeeping a runner's first thread does on its own store (SQLite: WAL checkpoints). */
  checkpoint?(): Awaitable<void>;
  readonly jobs: JobStore;
  readonly runs: RunStore;
  readonly leader: LeaderStore;
  readonly schedules: ScheduleStore;
}

/**
 * SQLite: the file, and the write gate's shared memory (see src/store/sqlite/write-gate.ts).
 * PostgreSQL: a URL with credentials (a thread lives in this process), Nightshift's schema, the
 * thread's pool size (2 by default), whether statements are prepared, and SSL options that can be
 * copied to a thread.
 */
export type StoreThreadSpec =
  | { kind: 'sqlite'; path: string; gate: SharedArrayBuffer }
  | { kind: 'postgres'; url: string; schema: string; poolMax?: number; prepare?: boolean; ssl?: boolean | Record<string, unknown> };

export interface MigrationReport {
  /** Versions applied by this call (empty when the schema was current). */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

export interface StoreHealth {
  ok: boolean;
  schemaVersion?: number;
  error?: string;
}

// ---- The queue ----------------------------------------------------------------------------------

/** A validated job, ready to store (times in epoch ms). */
export interface NewJob {
  id: string;
  type: string;
  /** The payload as JSON text (null: none). */
  payload: string | null;
  tenantId: string | null;
  actorId: string | null;
  traceId: string;
  requestId: string | null;
  priority: number;
  runAt: number;
  maxAttempts: number;
  idempotencyKey: string | null;
  createdBy: string | null;
  createdAt: number;
}

/** Inserted, or the job that already holds the idempotency key (nothing inserted). */
export type InsertOutcome = { inserted: true } | { inserted: false; existing: QueueJob };

export interface JobStore {
  /**
   * Stores one job. `connection` is the caller's own connection or client with its transaction
   * open (SQLite: a better-sqlite3 Database; PostgreSQL: a pg client): the job then commits or
   * rolls back with the caller's rows. Without it, the store's own connection.
   */
  insert(job: NewJob, connection?: unknown): Awaitable<InsertOutcome>;
  /**
   * Stores many jobs at once, all or nothing, in one transaction (or inside the caller's, as
   * insert). One outcome per job, in order: a job whose idempotency key is already held, by an
   * existing job or by an earlier job of the same batch, is not inserted and answers that job.
   * A key held by a job of another type throws IdempotencyKeyReusedError and stores nothing.
   */
  insertMany(jobs: readonly NewJob[], connection?: unknown): Awaitable<InsertOutcome[]>;
  get(id: string): Awaitable<QueueJob | undefined>;
  /** Newest first, with the total matching the filter; large values summarised (list-bounds.ts). */
  list(filter: ListFilter): Awaitable<{ jobs: ListedQueueJob[]; total: number }>;
  progress(id: string): Awaitable<Pick<JobRow, 'id' | 'status' | 'processed_items' | 'total_items'> | undefined>;
  cancel(id: string, now: number): Awaitable<CancelOutcome>;
  retry(id: string, now: number): Awaitable<RetryOutcome>;
  counts(): Awaitable<QueueCounts>;
  countsByType(): Awaitable<Map<string, QueueCounts>>;
  /** The runner's unit of work: one transaction (see TickRequest). */
  tick(request: TickRequest): Awaitable<TickResult>;
  /** Renews the leases a runner holds and recovers jobs whose runner is gone, in one transaction. */
  upkeep(request: UpkeepRequest): Awaitable<UpkeepResult>;
  /** Of these jobs, the ones an admin asked to cancel (from any process). */
  cancelRequested(ids: readonly string[]): Awaitable<string[]>;
  /**
   * The types that have jobs ready to run now, without reading the pending set (a seek per type).
   * Optional: the runner uses it to warn about types no job file of its handles.
   */
  readyTypes?(): Awaitable<string[]>;
  /** The queue types paused by an operator (their jobs stay pending; enqueue is still accepted). */
  pausedTypes(): Awaitable<PausedType[]>;
  /**
   * Pauses or resumes a type, persisted for every process on the database. Returns false when it
   * already was in that state (nothing written).
   */
  setPaused(request: { type: string; paused: boolean; by: string | null; now: number }): Awaitable<boolean>;
  /** Scrape-time gauges: counts by status and type, and the oldest due job. */
  depth(now: number): Awaitable<QueueDepth>;
  /** Deletes up to `limit` finished jobs that finished before `cutoff`; returns how many. */
  pruneFinished(cutoff: number, limit: number): Awaitable<number>;
}

export interface PausedType {
  type: string;
  /** When it was paused (epoch ms), and by whom (the actor, when known). */
  pausedAt: number;
  pausedBy: string | null;
}

/** What the runner knows about an attempt in flight. */
export interface Attempt {
  id: string;
  token: string;
  type: string;
  traceId: string;
  tenantId: string | null;
  attempt: number;
  maxAttempts: number;
  /** Its run row, and whether that row has been opened yet (short attempts get it at the end). */
  runId: string;
  startedAt: number;
  runOpen: boolean;
}

export type Ending =
  | { kind: 'ok'; result: string | null; processed: number | null; total: number | null }
  /** A failed attempt: retried with backoff unless attempts are used up or it is not retryable. */
  | { kind: 'error'; message: string; retryAfterMs?: number; retryable?: boolean }
  /** Interrupted through no fault of its own (shutdown, a neighbour's timeout): back to pending, attempt not counted. */
  | { kind: 'released'; message: string }
  | { kind: 'cancelled'; message: string };

/** How a failed, released or cancelled attempt is written (decided by the engine: outcomes.ts). */
export interface Plan {
  status: 'pending' | 'failed' | 'cancelled';
  runAt?: number;
  uncount?: boolean;
  error?: { attempt: number; message: string };
  run: { status: FinalStatus; error: string };
  retryInMs?: number;
}

export interface Applied {
  attempt: Attempt;
  ending: Ending;
  plan?: Plan;
  /** false: the lease had moved on (expired and re-claimed), so nothing was written. */
  written: boolean;
}

/** A run row to open for an attempt that has been running for a while. */
export interface RunRef {
  runId: string;
  type: string;
  jobId: string;
  traceId: string;
  startedAt: number;
}

export interface ProgressWrite {
  id: string;
  token: string;
  processed: number;
  total: number | null;
}

export interface Candidate {
  id: string;
  type: string;
}

/** A claim the store made: the job's fields a thread needs, its lease token and run id. */
export type ClaimedRow = Pick<
  JobRow,
  'id' | 'type' | 'payload' | 'tenant_id' | 'actor_id' | 'trace_id' | 'request_id' | 'attempts' | 'max_attempts' | 'lease_token' | 'run_id'
>;

export interface ClaimRequest {
  /** Most jobs to claim. */
  room: number;
  /** Types with a concurrency cap across every runner on the database: name -> cap. */
  caps: ReadonlyMap<string, number>;
  /**
   * The types this runner runs (it has their job files): only jobs of these types are read, so a
   * backlog of other types (or of a capped type at its cap) costs the claim nothing.
   */
  types: readonly string[];
  /**
   * Chooses, in claim order, which of the ready candidates to claim; `left` is each capped type's
   * room (cap minus jobs running anywhere). Pure and synchronous: it runs inside the transaction.
   */
  place(candidates: readonly Candidate[], left: ReadonlyMap<string, number>): readonly Candidate[];
}

export interface TickRequest {
  now: number;
  owner: string;
  leaseMs: number;
  endings: readonly { attempt: Attempt; ending: Ending }[];
  /** How a non-ok ending is written (backoff, attempts left). Pure and synchronous. */
  planEnding(ending: Exclude<Ending, { kind: 'ok' }>, attempt: Attempt): Plan;
  openRuns: readonly RunRef[];
  progress: readonly ProgressWrite[];
  claim?: ClaimRequest;
}

export interface TickResult {
  applied: Applied[];
  /** In the order place() chose them. */
  claimed: ClaimedRow[];
  /**
   * More jobs have become due than this tick made ready (a backend may make them ready in bounded
   * steps, so a burst never holds the write lock long): the runner ticks again at once.
   */
  moreDue?: boolean;
}

export interface UpkeepRequest {
  now: number;
  owner: string;
  leaseMs: number;
  /** The attempts this runner holds (renewed when their token still matches). */
  held: readonly { id: string; token: string }[];
  /** Whether the owner of a lease is known to be dead (a process on this host that is gone). */
  isOwnerGone(owner: string | null): boolean;
}

export interface Recovered {
  id: string;
  type: string;
  traceId: string;
  status: QueueJobStatus;
  reason: 'lease_expired' | 'owner_gone';
  owner: string | null;
}

export interface UpkeepResult {
  /** Ids whose lease this runner still holds, and those among them with a cancel request. */
  held: Set<string>;
  cancel: Set<string>;
  recovered: Recovered[];
}

export interface QueueDepth {
  /** Jobs by status, then type. */
  byStatus: Record<QueueJobStatus, Map<string, number>>;
  /** run_at (epoch ms) of the pending job that has been due the longest; null when none is due. */
  oldestDueRunAt: number | null;
}

// ---- The run ledger -----------------------------------------------------------------------------

export interface StartRunInput {
  name: string;
  trigger: RunTrigger;
  owner: string;
  jobId?: string;
  traceId?: string;
  now?: number;
}

export type StartRunResult = { started: true; runId: string } | { started: false; runningRunId: string };

export interface FinishRunInput {
  status: FinalStatus;
  details?: JobDetails | null;
  error?: string | null;
  now?: number;
}

export interface RunStore {
  /** Opens a 'running' row unless the job already has one (no overlapping runs, across processes). */
  start(input: StartRunInput): Awaitable<StartRunResult>;
  /** A tick that found the job still running: recorded, not dropped. */
  recordSkipped(input: StartRunInput & { reason: string }): Awaitable<string>;
  /** Closes a running row; false when it was already closed (first writer wins). */
  finish(runId: string, input: FinishRunInput): Awaitable<boolean>;
  get(runId: string): Awaitable<JobRun | undefined>;
  /**
   * Newest first by default (run ids are time-ordered: id order is start order); see RunFilter.
   * Large details and errors summarised (list-bounds.ts); get() has them whole.
   */
  list(filter: RunFilter): Awaitable<ListedJobRun[]>;
  /** How many runs match (the same conditions as list, without order and paging). */
  count(filter: RunCountFilter): Awaitable<number>;
  /** The newest run of a job that actually ran (skipped ticks do not count). */
  last(name: string): Awaitable<JobRun | undefined>;
  /** Start time of the newest run that was not skipped (catch-up). */
  lastStartedAt(name: string): Awaitable<number | undefined>;
  /**
   * Closes scheduled runs left 'running' by owners that are gone, or older than their job could
   * last (`maxRunMs`); returns how many. Queue runs are recovered by the queue's upkeep.
   */
  closeAbandoned(isOwnerGone: (owner: string | null) => boolean, now: number, maxRunMs: (name: string) => number | undefined): Awaitable<number>;
  /** Scheduled runs open now, by job; each job's newest success (metrics). */
  scheduledStats(jobNames: readonly string[]): Awaitable<ScheduledRunStats>;
  /** Deletes up to `limit` finished runs that started before `cutoff`; returns how many. */
  prune(cutoff: number, limit: number): Awaitable<number>;
}

export interface ScheduledRunStats {
  inProgress: Map<string, number>;
  /** ended_at (epoch ms) of each job's newest successful run. */
  lastSuccessAt: Map<string, number>;
}

export type { RunStatus };

// ---- Scheduling ---------------------------------------------------------------------------------

export interface LeaseHolder {
  owner: string;
  pid: number;
  hostname: string;
  acquiredAt: number;
  expiresAt: number;
}

export interface AcquireLease {
  owner: string;
  pid: number;
  hostname: string;
  ttlMs: number;
  now: number;
  /** Whether a holder is known to be dead (a process on this host that is gone): its lease is taken at once. */
  isOwnerGone(owner: string): boolean;
}

/** One scheduler leads per database: a lease its holder renews. */
export interface LeaderStore {
  read(): Awaitable<LeaseHolder | undefined>;
  /** Takes or renews the lease; true when `owner` holds it afterwards. */
  acquire(request: AcquireLease): Awaitable<boolean>;
  release(owner: string): Awaitable<void>;
}

/** When each scheduled job was first seen (a fresh install does not catch up on day one). */
export interface ScheduleStore {
  recordFirstSeen(names: readonly string[], now: number): Awaitable<void>;
  firstSeen(names: readonly string[]): Awaitable<Map<string, number>>;
}
