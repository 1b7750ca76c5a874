// enqueue(): the one way a job gets into the queue (Queue.enqueue and the HTTP routes call it).
//
// It is synchronous and runs a single INSERT on the connection it is given, so application code can
// call it inside its own better-sqlite3 transaction: the job is stored if and only if the caller's
// data commits.
//
//   const placeOrder = db.transaction((order) => {
//     db.prepare('INSERT INTO orders ...').run(order);
//     enqueue(db, jobs, { type: 'orders.confirm', payload: { orderId: order.id }, tenantId });
//   });
//   placeOrder(order); // both rows, or neither
//
// (An in-process runner notices the job at its next poll; Queue.enqueue also wakes it at once.)
import type { Db } from '../db/open.ts';
import type { LoadedJob } from '../jobs/load.ts';
import { IdempotencyKeyReusedError, QueueValidationError, type ValidationIssue } from './errors.ts';
import { newTraceId, uuidv7 } from './ids.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import { insertJob, jobByIdempotencyKey, type NewJobRow } from './store/insert-job.ts';
import { toQueueJob } from './store/rows.ts';
import type { EnqueueInput, EnqueueResult, QueueJob } from './types.ts';

const ID_LIKE = /^[\w.:@/-]{1,200}$/;
const MAX_PRIORITY = 1_000_000;

const invalid = (field: string, message: string) => new QueueValidationError([{ field, message }]);

function optionalString(value: unknown, field: string, pattern?: RegExp): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw invalid(field, 'must be a string of 1-200 characters');
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

function runAtOf(value: EnqueueInput['runAt'], now: number): number {
  if (value === undefined || value === null) return now;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw invalid('runAt', 'must be a valid date');
  return Math.round(ms);
}

/**
 * The payload as it will be stored and as the worker will see it (JSON), checked with the job's
 * schema. The stored text is the caller's input; the worker parses it again, so zod defaults and
 * transforms apply on the worker side too.
 */
function payloadText(types: JobTypes, type: string, payload: unknown): string | null {
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
  return text ?? null;
}

/** The QueueJob for a row just inserted (same shape as toQueueJob, without a read-back). */
function newJobView(row: NewJobRow): QueueJob {
  const created = new Date(row.created_at).toISOString();
  return {
    id: row.id,
    type: row.type,
    status: 'pending',
    payload: row.payload === null ? null : JSON.parse(row.payload),
    envelope: { tenantId: row.tenant_id, actorId: row.actor_id, traceId: row.trace_id, requestId: row.request_id },
    priority: row.priority,
    attempts: 0,
    maxAttempts: row.max_attempts,
    runAt: row.run_at === row.created_at ? created : new Date(row.run_at).toISOString(),
    progress: { processedItems: 0, totalItems: null, percent: 0 },
    result: null,
    errorLog: [],
    lastError: null,
    idempotencyKey: row.idempotency_key,
    createdBy: row.created_by,
    createdAt: created,
    startedAt: null,
    completedAt: null,
    updatedAt: created,
  };
}

/** Validates and stores a job. Throws UnknownJobTypeError or QueueValidationError (nothing stored). */
export function enqueue(db: Db, jobs: readonly LoadedJob[] | JobTypes, input: EnqueueInput, now = Date.now()): EnqueueResult {
  const types = jobTypesFor(jobs);
  if (typeof input?.type !== 'string' || input.type.length === 0) throw invalid('type', 'is required');
  const type = types.require(input.type);
  const row: NewJobRow = {
    id: uuidv7(now),
    type: type.name,
    payload: payloadText(types, type.name, input.payload),
    tenant_id: optionalString(input.tenantId, 'tenantId'),
    actor_id: optionalString(input.actorId, 'actorId'),
    trace_id: optionalString(input.traceId, 'traceId', ID_LIKE) ?? newTraceId(),
    request_id: optionalString(input.requestId, 'requestId'),
    priority: intIn(input.priority, 'priority', -MAX_PRIORITY, MAX_PRIORITY, 0),
    run_at: runAtOf(input.runAt, now),
    max_attempts: intIn(input.maxAttempts, 'maxAttempts', 1, 100, type.maxAttempts),
    idempotency_key: optionalString(input.idempotencyKey, 'idempotencyKey'),
    created_by: optionalString(input.createdBy, 'createdBy'),
    created_at: now,
  };
  if (!insertJob(db, row)) {
    const existing = jobByIdempotencyKey(db, row.idempotency_key!);
    if (existing) {
      // The same key for another type is a client bug, not a repeat: answering with the other job
      // would make the caller believe its job was queued.
      if (existing.type !== row.type) throw new IdempotencyKeyReusedError(row.idempotency_key!, existing.id, existing.type);
      return { job: toQueueJob(existing), created: false };
    }
    throw new Error('Insert was ignored but no job has that idempotency key'); // unreachable: DO NOTHING only on that key
  }
  // Built from what was inserted: no read-back on the request path.
  return { job: newJobView(row), created: true };
}
