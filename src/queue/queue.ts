// Queue: the main thread's handle on the queue, used by the HTTP routes and application code.
// Enqueue, read and control jobs; it never runs them (that is QueueRunner's job, in any process
// that has one: every method here only touches the database).
import type { Db } from '../db/open.ts';
import type { WriteGate } from '../db/write-gate.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { Logger } from '../log/logger.ts';
import { enqueue } from './enqueue.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import { cancelJob, retryJob } from './store/control.ts';
import { countByStatus, countByTypeAndStatus, jobById, listJobs, progressRow } from './store/read-jobs.ts';
import { percentOf, toQueueJob } from './store/rows.ts';
import type { CancelResult, EnqueueInput, EnqueueResult, ListFilter, ProgressView, QueueCounts, QueueJob, RetryResult } from './types.ts';

export interface QueueOptions {
  db: Db;
  jobs: readonly LoadedJob[];
  logger: Logger;
  /** Raised around writes so background batch jobs step aside (see src/db/write-gate.ts). */
  gate?: WriteGate;
  /** Called after each enqueue (runtime: runner.wake(), so the job starts without waiting for a poll). */
  onEnqueue?: (job: QueueJob) => void;
  /** Called when a processing job is asked to cancel (runtime: runner.cancel(id), no poll delay). */
  onCancel?: (id: string) => void;
  /** Called when a failed or cancelled job is put back by hand (metrics count manual retries). */
  onRetry?: (job: QueueJob) => void;
}

export const MAX_LIST_LIMIT = 500;

export class Queue {
  readonly types: JobTypes;
  private readonly db: Db;

  constructor(private readonly options: QueueOptions) {
    this.db = options.db;
    this.types = jobTypesFor(options.jobs);
  }

  /**
   * Validates and stores a job; synchronous, so it can run inside the caller's own transaction on
   * the same connection (see enqueue.ts). Throws UnknownJobTypeError or QueueValidationError.
   */
  enqueue(input: EnqueueInput): EnqueueResult {
    const write = () => enqueue(this.db, this.types, input);
    const result = this.options.gate ? this.options.gate.write(write) : write();
    if (result.created) {
      this.options.logger.debug('Job enqueued', { job: result.job.type, jobId: result.job.id, traceId: result.job.envelope.traceId });
      // The runner claims on a later tick (setImmediate), after the caller's transaction, if any, ends.
      this.options.onEnqueue?.(result.job);
    }
    return result;
  }

  get(id: string): QueueJob | undefined {
    const row = jobById(this.db, id);
    return row && toQueueJob(row);
  }

  /** Newest first, with the total matching the filter (for pagination). */
  list(filter: ListFilter): { jobs: QueueJob[]; total: number } {
    const limit = Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(filter.limit)));
    const offset = Math.max(0, Math.floor(filter.offset ?? 0));
    const { rows, total } = listJobs(this.db, { ...filter, limit, offset });
    return { jobs: rows.map(toQueueJob), total };
  }

  progress(id: string): ProgressView | undefined {
    const row = progressRow(this.db, id);
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
  cancel(id: string): CancelResult {
    const outcome = this.write(() => cancelJob(this.db, id));
    if (outcome === 'cancelling') this.options.onCancel?.(id);
    if (outcome !== 'not_found') this.options.logger.info('Job cancel requested', { jobId: id, outcome });
    return { outcome, job: outcome === 'not_found' ? undefined : this.get(id) };
  }

  /** failed or cancelled -> pending (attempts reset, due now); anything else is 'not_retryable'. */
  retry(id: string): RetryResult {
    const outcome = this.write(() => retryJob(this.db, id));
    if (outcome === 'retried') {
      this.options.logger.info('Job retried by hand', { jobId: id });
      const job = this.get(id)!;
      this.options.onRetry?.(job);
      this.options.onEnqueue?.(job);
      return { outcome, job };
    }
    return { outcome, job: outcome === 'not_found' ? undefined : this.get(id) };
  }

  counts(): QueueCounts {
    return countByStatus(this.db);
  }

  /** Jobs per type and status (types with no jobs are absent). */
  countsByType(): Map<string, QueueCounts> {
    return countByTypeAndStatus(this.db);
  }

  private write<T>(fn: () => T): T {
    return this.options.gate ? this.options.gate.write(fn) : fn();
  }
}
