// enqueue(): the one way a job gets into the queue (Queue.enqueue and the HTTP routes call it).
// It validates the input against the job's own schema and limits, then hands one row to the store.
// On SQLite the store's insert is a single synchronous INSERT on the connection given, so the job
// joins the caller's open transaction there: it is stored if and only if the caller's data commits,
// and a bad payload throws before anything is written (the caller's transaction rolls back).
import { isPromise } from '../core/awaitable.ts';
import { newTraceId, uuidv7 } from '../core/ids.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { Awaitable, InsertOutcome, NewJob, NightshiftStore } from '../store/types.ts';
import { IdempotencyKeyReusedError, PayloadTooLargeError, QueueValidationError, type ValidationIssue } from './errors.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import type { EnqueueInput, EnqueueResult, QueueJob } from './types.ts';

const ID_LIKE = /^[\w.:@/-]{1,200}$/;
const MAX_PRIORITY = 1_000_000;

/** What enqueue accepts, beyond each job's own schema (createNightshift options of the same names). */
export interface EnqueueLimits {
  /** Largest payload, as stored (the validated value as JSON), in bytes. */
  maxPayloadBytes: number;
  /** Furthest runAt ahead of now, in ms. */
  maxRunAheadMs: number;
}

export const DEFAULT_ENQUEUE_LIMITS: EnqueueLimits = { maxPayloadBytes: 32 * 1024, maxRunAheadMs: 366 * 24 * 60 * 60_000 };

const invalid = (field: string, message: string) => new QueueValidationError([{ field, message }]);

// C0 controls (NUL included) and DEL: never part of an id, a key or a name, and they forge log
// lines. A lone surrogate is not text: it cannot be stored as UTF-8 or compared reliably.
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function optionalString(value: unknown, field: string, pattern?: RegExp): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw invalid(field, 'must be a string of 1-200 characters');
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) throw invalid(field, 'must not contain control characters or unpaired surrogates');
  if (pattern && !pattern.test(value)) throw invalid(field, 'may only contain letters, digits and . _ : @ / -');
  return value;
}

function intIn(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function runAtOf(value: EnqueueInput['runAt'], now: number, maxAheadMs: number): number {
  if (value === undefined || value === null) return now;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalid('runAt', 'must be a valid date');
  // A job due in the year 9999 would sit pending for ever (retention only prunes finished jobs).
  if (ms > now + maxAheadMs) throw invalid('runAt', `must be at most ${Math.round(maxAheadMs / 86_400_000)} days ahead`);
  return Math.round(ms);
}

/**
 * The payload as it will be stored and as the worker will see it (JSON): the value the job's schema
 * validated, not the caller's text, so keys the schema does not know are dropped (zod objects strip
 * them; a strictObject refuses them) and defaults are filled in. The worker checks it against the
 * schema again, so a payload schema must accept its own output (defaults and stripping do; a
 * transform to another type does not).
 */
function payloadText(types: JobTypes, type: string, payload: unknown, limits: EnqueueLimits): string | null {
  const schema = types.require(type).job.definition.payload;
  let text: string | undefined;
  try {
    text = payload === undefined ? undefined : JSON.stringify(payload);
  } catch (err) {
    throw invalid('payload', `must be JSON-serializable (${(err as Error).message})`);
  }
  const asStored = text === undefined ? undefined : JSON.parse(text);
  if (!schema) {
    const empty = asStored === undefined || asStored === null || (typeof asStored === 'object' && Object.keys(asStored).length === 0);
    if (!empty) throw invalid('payload', `job "${type}" takes no payload`);
    return null;
  }
  const checked = schema.safeParse(asStored);
  if (!checked.success) {
    const issues: ValidationIssue[] = checked.error.issues.map((i) => ({
      field: ['payload', ...i.path.map(String)].join('.'),
      message: i.message,
    }));
    throw new QueueValidationError(issues);
  }
  const stored = checked.data === undefined ? null : JSON.stringify(checked.data);
  const bytes = stored === null ? 0 : Buffer.byteLength(stored);
  if (bytes > limits.maxPayloadBytes) throw new PayloadTooLargeError(bytes, limits.maxPayloadBytes);
  return stored;
}

/** The QueueJob for a row just inserted (same shape as a stored job, without a read-back). */
function newJobView(row: NewJob): QueueJob {
  const created = new Date(row.createdAt).toISOString();
  return {
    id: row.id,
    type: row.type,
    status: 'pending',
    payload: row.payload === null ? null : JSON.parse(row.payload),
    envelope: { tenantId: row.tenantId, actorId: row.actorId, traceId: row.traceId, requestId: row.requestId },
    priority: row.priority,
    attempts: 0,
    maxAttempts: row.maxAttempts,
    runAt: row.runAt === row.createdAt ? created : new Date(row.runAt).toISOString(),
    progress: { processedItems: 0, totalItems: null, percent: 0 },
    result: null,
    errorLog: [],
    lastError: null,
    idempotencyKey: row.idempotencyKey,
    createdBy: row.createdBy,
    createdAt: created,
    startedAt: null,
    completedAt: null,
    updatedAt: created,
  };
}

/** Checks an enqueue and builds the row to store. Throws UnknownJobTypeError or QueueValidationError. */
export function newJob(types: JobTypes, input: EnqueueInput, now = Date.now(), limits: EnqueueLimits = DEFAULT_ENQUEUE_LIMITS): NewJob {
  if (typeof input?.type !== 'string' || input.type.length === 0) throw invalid('type', 'is required');
  const type = types.require(input.type);
  return {
    id: uuidv7(now),
    type: type.name,
    payload: payloadText(types, type.name, input.payload, limits),
    tenantId: optionalString(input.tenantId, 'tenantId'),
    actorId: optionalString(input.actorId, 'actorId'),
    traceId: optionalString(input.traceId, 'traceId', ID_LIKE) ?? newTraceId(),
    requestId: optionalString(input.requestId, 'requestId'),
    priority: intIn(input.priority, 'priority', -MAX_PRIORITY, MAX_PRIORITY, 0),
    runAt: runAtOf(input.runAt, now, limits.maxRunAheadMs),
    maxAttempts: intIn(input.maxAttempts, 'maxAttempts', 1, 100, type.maxAttempts),
    idempotencyKey: optionalString(input.idempotencyKey, 'idempotencyKey'),
    createdBy: optionalString(input.createdBy, 'createdBy'),
    createdAt: now,
  };
}

/** The enqueue's answer for a row the store inserted, or for the job that already held its key. */
export function resultOf(row: NewJob, outcome: InsertOutcome): EnqueueResult {
  // Built from what was inserted: no read-back on the request path.
  if (outcome.inserted) return { job: newJobView(row), created: true };
  // The same key for another type is a client bug, not a repeat: answering with the other job
  // would make the caller believe its job was queued.
  const existing = outcome.existing;
  if (existing.type !== row.type) throw new IdempotencyKeyReusedError(row.idempotencyKey!, existing.id, existing.type);
  return { job: existing, created: false };
}

/**
 * Validates and stores a job; nothing is stored when it throws. Synchronous when the store is
 * (SQLite), so it can run inside the caller's transaction; `connection` is the caller's own
 * connection or client (default: the store's).
 */
export function enqueue<S extends NightshiftStore>(
  store: S,
  jobs: readonly LoadedJob[] | JobTypes,
  input: EnqueueInput,
  options: { now?: number; connection?: unknown; limits?: EnqueueLimits } = {},
): EnqueueReturn<S> {
  const row = newJob(jobTypesFor(jobs), input, options.now, options.limits);
  const outcome = store.jobs.insert(row, options.connection);
  return (isPromise(outcome) ? outcome.then((o) => resultOf(row, o)) : resultOf(row, outcome)) as EnqueueReturn<S>;
}

/** A store that answers synchronously (SQLite): enqueue on it returns its result at once. */
export type SyncStore = NightshiftStore & { readonly kind: 'sqlite' };

/** Enqueue's answer: synchronous on SQLite (so it can join the caller's transaction), a promise elsewhere. */
export type EnqueueReturn<S extends NightshiftStore> = S extends { readonly kind: 'sqlite' } ? EnqueueResult : Awaitable<EnqueueResult>;
