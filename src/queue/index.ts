// The durable queue, on any store (src/store/). Engine API:
//
//   enqueue(store, jobs, input, { connection? })  validate and store a job (enqueue.ts); synchronous on SQLite
//   new Queue({ store, jobs, logger, onEnqueue?, onCancel? })
//     .enqueue(input, { connection? }) -> { job, created }   (same as enqueue(), then wakes the runner)
//     .get(id) / .list({ status?, type?, limit, offset? }) / .progress(id) / .counts()   (promises)
//     .cancel(id)                   -> { outcome: 'cancelled' | 'cancelling' | 'finished' | 'not_found', job? }
//     .retry(id)                    -> { outcome: 'retried' | 'not_retryable' | 'not_found', job? }
//   new QueueRunner({ store, jobs, logger, workers?, pollIntervalMs?, leaseMs?, ... })
//     .start() / .stop(graceMs?) / .wake(runAt?) / .cancel(id) / .stats()
//
// Handlers: defineJob (src/jobs/define.ts); a queue run's context also has jobId/attempt, and
// threadConcurrency marks I/O-bound types. Throw retryAfter(ms) for a specific retry delay, NonRetryableError
// to fail at once. Delivery is at-least-once (leases): handlers should be idempotent.
export { DEFAULT_ENQUEUE_LIMITS, enqueue, type EnqueueLimits } from './enqueue.ts';
export { Queue, MAX_LIST_LIMIT, type EnqueueTarget, type EnqueueReturn, type QueueOptions } from './queue.ts';
export { QueueRunner, type QueueRunnerOptions, type RunnerState } from './runner.ts';
export { DEFAULT_MAX_ATTEMPTS, type QueueJobContext } from './define.ts';
export { IdempotencyKeyReusedError, NonRetryableError, PayloadTooLargeError, QueueValidationError, RetryAfterError, UnknownJobTypeError, retryAfter, type ValidationIssue } from './errors.ts';
export { DEFAULT_BACKOFF, retryDelay, type BackoffOptions } from './backoff.ts';
export { ERROR_LOG_LIMIT } from '../store/job-rows.ts';
export * from './types.ts';
