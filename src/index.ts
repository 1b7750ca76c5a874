// Nightshift's public API: everything an app imports from 'nightshift'. Anything not exported here
// is internal and may change between versions.

// The engine
export { createNightshift, Nightshift, NightshiftNotStartedError, type EnqueueOptions, type StartOptions } from './nightshift.ts';
export { isTimeZone, NightshiftOptionsError, type NightshiftOptions, type SqliteConnection } from './options.ts';
export type { RoutesOptions } from './http/mount.ts';
export type { PausedType } from './store/types.ts';
export type { Authorize, Principal, PrincipalRole } from './http/auth/principal.ts';
export type { ListenOptions, Listening } from './http/listen.ts';

// Job files
export { defineJob, DEFAULT_TIMEOUT_MS, type JobContext, type JobDefinition, type JobDetails, type JobEnvelope, type RunTrigger } from './jobs/define.ts';
export type { JobSource, LoadedJob } from './jobs/load.ts';
export { deleteInBatches, type BatchOptions, type BatchStats, type DeleteBatch } from './jobs/batches.ts';
export { pruneHistory, type PruneResult } from './jobs/retention.ts';
export { NonRetryableError, RetryAfterError, retryAfter, IdempotencyKeyReusedError, PayloadTooLargeError, QueueValidationError, UnknownJobTypeError, type ValidationIssue } from './queue/errors.ts';
export { BatchTooLargeError, MAX_BATCH_JOBS } from './queue/enqueue-many.ts';
export { DuplicateJobError } from './queue/job-types.ts';
export type { QueueJobContext } from './queue/define.ts';

// The queue and the ledger's shapes
export type {
  CancelOutcome, CancelResult, EnqueueInput, EnqueueResult, ListFilter, ProgressView, QueueCounts, QueueEnvelope, QueueErrorEntry,
  QueueJob, QueueJobStatus, QueueProgress, RetryOutcome, RetryResult,
} from './queue/types.ts';
export { QUEUE_STATUSES } from './queue/types.ts';
export type { Queue } from './queue/queue.ts';
export type { QueueRunner } from './queue/runner.ts';
export { RUN_STATUSES, type FinalStatus, type JobRun, type RunCountFilter, type RunFilter, type RunReader, type RunStatus } from './runs/types.ts';
export type { ListedJobField, ListedJobRun, ListedQueueJob, ListedRunField, ValueSummary } from './store/list-bounds.ts';

// The scheduler
export type { JobScheduler, JobStatus, RunHandle, RunOutcome, SchedulerRole } from './scheduler/scheduler.ts';
export { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from './scheduler/errors.ts';

// The built-in JWT sign-in (routes({ jwtSecret })): tokens, and the same check for the app's own routes
export { signToken, authenticate, requireRole, type TokenInput } from './http/auth/auth.ts';
export { ROLES, ADMIN_ROLES, type Role } from './http/auth/roles.ts';

// SQLite, opened as Nightshift opens it (WAL, busy timeout) with one clear error for an unusable path
export { openDatabase, DatabaseOpenError } from './store/sqlite/open.ts';
export { SchemaTooNewError, StorageFullError } from './store/errors.ts';

// Logging
export { createPinoLogger as createLogger, type LoggerOptions } from './log/logger.ts';
export type { PinoLike } from './log/host.ts';

// The request kit for the host's own routes (answers and OpenAPI entries like Nightshift's own)
export {
  apiErrorHandler, apiHeaders, ApiError, badRequest, conflict, defineRoute, isoDateTime, jsonBodyLimit, notFound, serve, timestamp, traceContext,
  type Access, type Reply, type RouteHandler, type RouteInput, type RouteSpec,
} from './http/kit.ts';
