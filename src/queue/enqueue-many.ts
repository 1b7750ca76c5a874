// enqueueMany(): many jobs in one go, all or nothing. Every item is checked first (its type, its
// payload against the job's schema, the limits); if any is invalid nothing is stored and the error
// names each bad item by its index (`jobs.3.payload.seconds`). Then the store inserts them in one
// transaction (the caller's, given `connection`), honouring idempotency keys against existing jobs
// and inside the batch. One insert per job inside one transaction is what makes a batch fast: the
// commit (the WAL write) is paid once.
import { isPromise } from '../core/awaitable.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { InsertOutcome, NewJob, NightshiftStore } from '../store/types.ts';
import { newJob, resultOf, type EnqueueLimits } from './enqueue.ts';
import { PayloadTooLargeError, QueueValidationError, UnknownJobTypeError, type ValidationIssue } from './errors.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import type { EnqueueInput, EnqueueResult } from './types.ts';
import type { Awaitable } from '../store/types.ts';

/** Most jobs one enqueueMany call (and one POST /api/v1/jobs/batch) takes. */
export const MAX_BATCH_JOBS = 1_000;
/** Issues reported for one invalid batch (the first ones, by index): enough to fix, bounded in size. */
const MAX_ISSUES = 20;

/** The batch has more jobs than MAX_BATCH_JOBS; nothing was stored. */
export class BatchTooLargeError extends Error {
  constructor(
    readonly count: number,
    readonly limit: number,
  ) {
    super(`A batch takes at most ${limit} jobs; this one has ${count}`);
    this.name = 'BatchTooLargeError';
  }
}

const prefixed = (index: number, issue: ValidationIssue): ValidationIssue => ({ field: `jobs.${index}.${issue.field}`, message: issue.message });

/** Every item checked and built, or one error naming every bad item (first MAX_ISSUES) by index. */
export function newJobs(types: JobTypes, inputs: readonly EnqueueInput[], now: number, limits?: EnqueueLimits): NewJob[] {
  if (!Array.isArray(inputs)) throw new QueueValidationError([{ field: 'jobs', message: 'must be an array' }]);
  if (inputs.length > MAX_BATCH_JOBS) throw new BatchTooLargeError(inputs.length, MAX_BATCH_JOBS);
  const rows: NewJob[] = [];
  const issues: ValidationIssue[] = [];
  let tooLarge: PayloadTooLargeError | undefined;
  inputs.forEach((input, index) => {
    try {
      rows.push(newJob(types, input, now, limits));
    } catch (err) {
      if (err instanceof PayloadTooLargeError) tooLarge ??= new PayloadTooLargeError(err.bytes, err.limitBytes, `jobs.${index}.payload`);
      else if (err instanceof QueueValidationError) issues.push(...err.issues.map((i) => prefixed(index, i)));
      else if (err instanceof UnknownJobTypeError) issues.push({ field: `jobs.${index}.type`, message: `unknown job type "${err.type}"` });
      else throw err;
    }
  });
  if (issues.length > 0) throw new QueueValidationError(issues.slice(0, MAX_ISSUES));
  if (tooLarge) throw tooLarge;
  return rows;
}

/**
 * Validates and stores jobs, all or nothing, in order: one result per input. Synchronous on a
 * synchronous store (SQLite), so it can run inside the caller's transaction like enqueue().
 */
export function enqueueMany<S extends NightshiftStore>(
  store: S,
  jobs: readonly LoadedJob[] | JobTypes,
  inputs: readonly EnqueueInput[],
  options: { now?: number; connection?: unknown; limits?: EnqueueLimits } = {},
): EnqueueManyReturn<S> {
  const rows = newJobs(jobTypesFor(jobs), inputs, options.now ?? Date.now(), options.limits);
  if (rows.length === 0) return [] as unknown as EnqueueManyReturn<S>;
  const outcomes = store.jobs.insertMany(rows, options.connection);
  const results = (o: InsertOutcome[]) => rows.map((row, i) => resultOf(row, o[i]!));
  return (isPromise(outcomes) ? outcomes.then(results) : results(outcomes)) as EnqueueManyReturn<S>;
}

/** enqueueMany's answer: synchronous on SQLite, a promise elsewhere. */
export type EnqueueManyReturn<S extends NightshiftStore> = S extends { readonly kind: 'sqlite' } ? EnqueueResult[] : Awaitable<EnqueueResult[]>;
