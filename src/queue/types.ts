// The queue's public shapes. QueueJob is the JSON the admin API returns (seed 003's Job with
// seed 004's envelope); everything time-like is an ISO string there and integer ms in SQLite.
import type { JobDetails } from '../jobs/define.ts';

export const QUEUE_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type QueueJobStatus = (typeof QUEUE_STATUSES)[number];
/** What the API and the CLI accept at enqueue (the Queue itself is more lenient, for programs). */
export const ENQUEUE_LIMITS = { priority: { min: -1000, max: 1000 }, maxAttempts: { min: 1, max: 100 } } as const;

export const FINISHED_STATUSES: readonly QueueJobStatus[] = ['completed', 'failed', 'cancelled'];

/** Seed 004's envelope, minus the payload (that sits next to it on the job). */
export interface QueueEnvelope {
  tenantId: string | null;
  actorId: string | null;
  traceId: string;
  requestId: string | null;
}

export interface QueueProgress {
  processedItems: number;
  totalItems: number | null;
  /** 0-99 while unfinished (seed 003), 100 once completed. */
  percent: number;
}

/** One entry of a job's error log; the log keeps the newest ERROR_LOG_LIMIT entries. */
export interface QueueErrorEntry {
  at: string;
  attempt: number;
  message: string;
}

export interface QueueJob {
  id: string;
  type: string;
  status: QueueJobStatus;
  payload: unknown;
  envelope: QueueEnvelope;
  priority: number;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  progress: QueueProgress;
  result: unknown;
  errorLog: QueueErrorEntry[];
  lastError: string | null;
  idempotencyKey: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  updatedAt: string;
}

export interface EnqueueInput {
  /** A job name (definition.name), e.g. "system.ping". */
  type: string;
  /** Validated with the job's zod `payload` schema before anything is stored. */
  payload?: unknown;
  /** Not before this time (a Date, ISO string or epoch ms). Default: now. */
  runAt?: Date | string | number;
  /** Higher runs first. Default 0. */
  priority?: number;
  /** Default: the definition's maxAttempts, else 3. */
  maxAttempts?: number;
  /** A repeated enqueue with the same key returns the existing job (created: false). */
  idempotencyKey?: string;
  tenantId?: string;
  actorId?: string;
  /** Generated (32 hex chars, W3C style) when absent. */
  traceId?: string;
  requestId?: string;
  createdBy?: string;
}

export interface EnqueueResult {
  job: QueueJob;
  created: boolean;
}

export interface ListFilter {
  status?: QueueJobStatus;
  type?: string;
  limit: number;
  offset?: number;
}

export interface ProgressView extends Omit<QueueProgress, 'percent'> {
  id: string;
  status: QueueJobStatus;
  percent: number;
}

export type CancelOutcome = 'cancelled' | 'cancelling' | 'finished' | 'not_found';
export interface CancelResult {
  outcome: CancelOutcome;
  job?: QueueJob;
}

export type RetryOutcome = 'retried' | 'not_retryable' | 'not_found';
export interface RetryResult {
  outcome: RetryOutcome;
  job?: QueueJob;
}

export type QueueCounts = Record<QueueJobStatus, number>;

export type { JobDetails };
