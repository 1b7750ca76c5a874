// Queue: the main thread's handle on the queue, used by the HTTP routes and application code.
// Enqueue, read and control jobs; it never runs them (that is QueueRunner's job, in any process
// that has one: every method here only goes to the store). Reads and control answer with promises
// on every store; enqueue answers synchronously on SQLite so it can join the caller's transaction.
import { isPromise } from '../core/awaitable.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { Logger } from '../log/logger.ts';
import { percentOf } from '../store/job-rows.ts';
import { boundListedJob, type ListedQueueJob } from '../store/list-bounds.ts';
import type { NightshiftStore, PausedType } from '../store/types.ts';
import { DEFAULT_ENQUEUE_LIMITS, enqueue, type EnqueueLimits, type EnqueueReturn } from './enqueue.ts';
import { enqueueMany, type EnqueueManyReturn } from './enqueue-many.ts';

export type { EnqueueManyReturn, EnqueueReturn };
import { jobTypesFor, type JobTypes } from './job-types.ts';
import type { CancelResult, EnqueueInput, EnqueueResult, ListFilter, ProgressView, QueueCounts, QueueJob, RetryResult } from './types.ts';

export interface QueueOptions {
  store: NightshiftStore;
  /** The job types it accepts: loaded jobs, or the JobTypes registry it shares with a runner (types added later included). */
  jobs: readonly LoadedJob[] | JobTypes;
  logger: Logger;
  /** Called after each enqueue (runtime: runner.wake(), so the job starts without waiting for a poll). */
  onEnqueue?: (job: QueueJob) => void;
  /** Called when a processing job is asked to cancel (runtime: runner.cancel(id), no poll delay). */
  onCancel?: (id: string) => void;
  /** Called after a type is paused or resumed here (runtime: runner.refreshPaused(), no poll delay). */
  onPausedChange?: () => void;
  /** Called when a failed or cancelled job is put back by hand (metrics count manual retries). */
  onRetry?: (job: QueueJob) => void;
  /** Payload size and runAt horizon (default DEFAULT_ENQUEUE_LIMITS). */
  limits?: Partial<EnqueueLimits>;
}

/** Where an enqueue writes (Queue.enqueue's second argument; part of ns.enqueue's options). */
export interface EnqueueTarget {
  /**
   * The caller's own connection or client, with its transaction open: the job commits or rolls
   * back with the caller's rows (SQLite: a better-sqlite3 Database on the same file; PostgreSQL:
   * a pg client). Default: the store's connection, which on SQLite is the app's own when the app
   * gave Nightshift its Database.
   */
  connection?: unknown;
}

export const MAX_LIST_LIMIT = 500;

export class Queue<S extends NightshiftStore = NightshiftStore> {
  readonly types: JobTypes;
  readonly limits: EnqueueLimits;
  private readonly store: S;

  constructor(private readonly options: QueueOptions & { store: S }) {
    this.store = options.store;
    this.limits = { ...DEFAULT_ENQUEUE_LIMITS, ...options.limits };
    this.types = jobTypesFor(options.jobs);
  }

  /**
   * Validates and stores a job. Throws UnknownJobTypeError or QueueValidationError, synchronously,
   * before anything is stored. On SQLite the result is synchronous too.
   */
  enqueue(input: EnqueueInput, options: EnqueueTarget = {}): EnqueueReturn<S> {
    const result = enqueue(this.store, this.types, input, { connection: options.connection, limits: this.limits });
    if (isPromise(result)) return result.then((r) => this.enqueued(r)) as EnqueueReturn<S>;
    return this.enqueued(result) as EnqueueReturn<S>;
  }

  /**
   * Validates and stores many jobs (at most MAX_BATCH_JOBS), all or nothing: one result per input,
   * in order. Throws QueueValidationError naming each bad item (`jobs.<index>.<field>`),
   * PayloadTooLargeError or BatchTooLargeError before anything is stored. Synchronous on SQLite.
   */
  enqueueMany(inputs: readonly EnqueueInput[], options: EnqueueTarget = {}): EnqueueManyReturn<S> {
    const results = enqueueMany(this.store, this.types, inputs, { connection: options.connection, limits: this.limits });
    const done = (all: EnqueueResult[]) => {
      for (const r of all) this.enqueued(r);
      return all;
    };
    return (isPromise(results) ? results.then(done) : done(results as EnqueueResult[])) as EnqueueManyReturn<S>;
  }

  private enqueued(result: EnqueueResult): EnqueueResult {
    if (result.created) {
      this.options.logger.debug('Job enqueued', { job: result.job.type, jobId: result.job.id, traceId: result.job.envelope.traceId });
      // The runner claims on a later tick (setImmediate), after the caller's transaction, if any, ends.
      this.options.onEnqueue?.(result.job);
    }
    return result;
  }

  /**
   * Pauses a queue type for every process on the database: its pending jobs stay pending (running
   * ones finish), enqueue still accepts new ones. Returns false when it already was paused.
   * Throws UnknownJobTypeError for a type no job file here defines.
   */
  async pause(type: string, by: string | null = null): Promise<boolean> {
    return this.setPaused(type, true, by);
  }

  /** Resumes a paused type; its waiting jobs are claimed again. False when it was not paused. */
  async resume(type: string, by: string | null = null): Promise<boolean> {
    return this.setPaused(type, false, by);
  }

  /** The paused types, with when and by whom. */
  async paused(): Promise<PausedType[]> {
    return this.store.jobs.pausedTypes();
  }

  private async setPaused(type: string, paused: boolean, by: string | null): Promise<boolean> {
    this.types.require(type);
    const changed = await this.store.jobs.setPaused({ type, paused, by, now: Date.now() });
    // The audit line: who paused or resumed what (also when nothing changed, so a repeat shows).
    this.options.logger.info(paused ? 'Queue type paused' : 'Queue type resumed', { job: type, by, changed });
    if (changed) this.options.onPausedChange?.();
    return changed;
  }

  async get(id: string): Promise<QueueJob | undefined> {
    return this.store.jobs.get(id);
  }

  /**
   * Newest first, with the total matching the filter (for pagination). Large payloads, results and
   * error logs are summarised (`truncated` names them; see src/store/list-bounds.ts); get(id) has
   * them whole.
   */
  async list(filter: ListFilter): Promise<{ jobs: ListedQueueJob[]; total: number }> {
    const limit = Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(filter.limit)));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const { jobs, total } = await this.store.jobs.list({ ...filter, limit, offset });
    // The store bounds its rows in its query; this holds the bound for one that does not.
    return { jobs: jobs.map(boundListedJob), total };
  }

  async progress(id: string): Promise<ProgressView | undefined> {
    const row = await this.store.jobs.progress(id);
    if (!row) return undefined;
    return {
      id: row.id,
      status: row.status,
      processedItems: row.processed_items,
      totalItems: row.total_items,
      percent: percentOf(row.status, row.processed_items, row.total_items),
    };
  }

  /**
   * pending -> cancelled at once; processing -> 'cancelling' (the runner aborts the handler's signal,
   * terminates its thread after a grace period and records 'cancelled'); finished -> 'finished'.
   */
  async cancel(id: string): Promise<CancelResult> {
    const outcome = await this.store.jobs.cancel(id, Date.now());
    if (outcome === 'cancelling') this.options.onCancel?.(id);
    if (outcome !== 'not_found') this.options.logger.info('Job cancel requested', { jobId: id, outcome });
    return { outcome, job: outcome === 'not_found' ? undefined : await this.get(id) };
  }

  /** failed or cancelled -> pending (attempts reset, due now); anything else is 'not_retryable'. */
  async retry(id: string): Promise<RetryResult> {
    const outcome = await this.store.jobs.retry(id, Date.now());
    if (outcome === 'retried') {
      this.options.logger.info('Job retried by hand', { jobId: id });
      const job = (await this.get(id))!;
      this.options.onRetry?.(job);
      this.options.onEnqueue?.(job);
      return { outcome, job };
    }
    return { outcome, job: outcome === 'not_found' ? undefined : await this.get(id) };
  }

  async counts(): Promise<QueueCounts> {
    return this.store.jobs.counts();
  }

  /** Jobs per type and status (types with no jobs are absent). */
  async countsByType(): Promise<Map<string, QueueCounts>> {
    return this.store.jobs.countsByType();
  }
}
