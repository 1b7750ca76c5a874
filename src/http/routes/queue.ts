// The queue over HTTP: seed 003's /api/v1/jobs resource and seed 004's /api/jobs/enqueue.
// Validation of payloads is the job's own zod schema (inside Queue.enqueue); nothing invalid is stored.
import { Hono } from 'hono';
import { z } from 'zod';
import { ENQUEUE_LIMITS, IdempotencyKeyReusedError, PayloadTooLargeError, QUEUE_STATUSES, QueueValidationError, UnknownJobTypeError, type EnqueueInput, type Queue } from '../../queue/index.ts';
import type { AppDeps } from '../deps.ts';
import type { AuthEnv } from '../auth/auth.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';
import { defineRoute, serve } from '../openapi/define.ts';
import type { TraceEnv } from '../trace.ts';
import { isoDateTime, queryInt } from '../validate.ts';
import { enqueuedEnvelope, listedQueueJob, queueJob, queueProgress } from './shapes.ts';

type Env = { Variables: AuthEnv['Variables'] & TraceEnv['Variables'] };

const MAX_LIMIT = 500;
const TAGS = ['Queue'];
const optionsShape = {
  runAt: isoDateTime.optional().meta({ description: 'Not before this time (default: now)' }),
  priority: z.number().int().min(ENQUEUE_LIMITS.priority.min).max(ENQUEUE_LIMITS.priority.max).optional().meta({ description: 'Higher runs first (default 0)' }),
  maxAttempts: z.number().int().min(ENQUEUE_LIMITS.maxAttempts.min).max(ENQUEUE_LIMITS.maxAttempts.max).optional().meta({ description: "Default: the job's maxAttempts, else 3" }),
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'A repeated enqueue with the same key answers 200 with the existing job' }),
};
export const createBody = z.object({
  type: z.string().min(1).max(100).meta({ description: 'The job type (a job file\'s name)' }),
  data: z.unknown().optional().meta({ description: "The payload, checked with the job's own schema" }),
  ...optionsShape,
});
const enqueueBody = z.object({
  jobName: z.string().min(1).max(100).meta({ description: 'The job type (a job file\'s name)' }),
  payload: z.unknown().optional().meta({ description: "Checked with the job's own schema" }),
  tenantId: z.string().min(1).max(200).optional(),
  actorId: z.string().min(1).max(200).optional().meta({ description: "Default: the token's sub" }),
  requestId: z.string().min(1).max(200).optional().meta({ description: 'Default: the x-request-id header' }),
  ...optionsShape,
});
const listQuery = z.object({
  status: z.enum(QUEUE_STATUSES).optional(),
  type: z.string().min(1).max(100).optional(),
  limit: queryInt(1, MAX_LIMIT, 50),
  offset: queryInt(0, 1_000_000_000, 0),
});
const jobId = z.object({ id: z.string().meta({ description: 'Job id' }) });
const enqueueErrors = { 400: ['UNKNOWN_JOB_TYPE'], 409: ['IDEMPOTENCY_KEY_REUSED'] } as const;

export const queueApi = {
  create: defineRoute({
    operationId: 'enqueueJob',
    method: 'post',
    path: '/api/v1/jobs',
    summary: 'Enqueue a job',
    description: "The payload (`data`) is validated with the job type's zod schema before anything is stored; a 400 names the field (`data.requestId`).",
    tags: TAGS,
    access: 'admin',
    body: createBody,
    bodyExample: { type: 'system.ping', priority: 0 },
    jobPayload: { typeField: 'type', payloadField: 'data' },
    responses: {
      201: { description: 'Enqueued', schema: queueJob },
      200: { description: 'The job already enqueued with this idempotency key', schema: queueJob },
    },
    errors: enqueueErrors,
  }),
  enqueue: defineRoute({
    operationId: 'enqueueJobEnvelope',
    method: 'post',
    path: '/api/jobs/enqueue',
    summary: 'Enqueue a job with its tenant envelope (seed 004)',
    description: 'The trace id comes from the `traceparent` (or `x-request-id`) header, or is generated; it is stored on the job and answered in `meta.traceId`.',
    tags: TAGS,
    access: 'admin',
    body: enqueueBody,
    bodyExample: { jobName: 'system.ping', tenantId: 'tenant-1' },
    jobPayload: { typeField: 'jobName', payloadField: 'payload' },
    responses: {
      201: { description: 'Enqueued', schema: enqueuedEnvelope },
      200: { description: 'The job already enqueued with this idempotency key', schema: enqueuedEnvelope },
    },
    errors: enqueueErrors,
  }),
  list: defineRoute({
    operationId: 'listQueueJobs',
    method: 'get',
    path: '/api/v1/jobs',
    summary: 'Queued jobs, newest first',
    tags: TAGS,
    access: 'admin',
    query: listQuery,
    responses: {
      200: {
        description: 'A page of jobs and the total matching the filters. Bounded in bytes: large payloads, results and error logs are summarised (ValueSummary, named in each job\'s `truncated`); GET /api/v1/jobs/{id} answers them whole',
        schema: z.strictObject({ jobs: z.array(listedQueueJob), total: z.number().int().min(0), limit: z.number().int(), offset: z.number().int() }),
      },
    },
  }),
  get: defineRoute({
    operationId: 'getQueueJob',
    method: 'get',
    path: '/api/v1/jobs/:id',
    summary: 'One job: payload, envelope, attempts, progress, result and error log',
    tags: TAGS,
    access: 'admin',
    params: jobId,
    responses: { 200: { description: 'The job', schema: queueJob } },
    errors: { 404: ['NOT_FOUND'] },
  }),
  progress: defineRoute({
    operationId: 'getQueueJobProgress',
    method: 'get',
    path: '/api/v1/jobs/:id/progress',
    summary: "A job's progress (any signed-in role)",
    tags: TAGS,
    access: 'signed-in',
    params: jobId,
    responses: { 200: { description: 'Progress', schema: queueProgress } },
    errors: { 404: ['NOT_FOUND'] },
  }),
  cancel: defineRoute({
    operationId: 'cancelQueueJob',
    method: 'delete',
    path: '/api/v1/jobs/:id',
    summary: 'Cancel a job',
    description: "A pending job is cancelled at once (200). A processing one is asked to stop (202): its ctx.signal aborts and its thread is terminated after a grace period.",
    tags: TAGS,
    access: 'admin',
    params: jobId,
    responses: {
      200: { description: 'Cancelled', schema: z.strictObject({ outcome: z.literal('cancelled'), job: queueJob }) },
      202: { description: 'Cancelling', schema: z.strictObject({ outcome: z.literal('cancelling'), job: queueJob }) },
    },
    errors: { 404: ['NOT_FOUND'], 409: ['CONFLICT'] },
  }),
  retry: defineRoute({
    operationId: 'retryQueueJob',
    method: 'post',
    path: '/api/v1/jobs/:id/retry',
    summary: 'Put a failed or cancelled job back to pending',
    tags: TAGS,
    access: 'admin',
    params: jobId,
    responses: { 200: { description: 'Pending again', schema: queueJob } },
    errors: { 404: ['NOT_FOUND'], 409: ['CONFLICT'] },
  }),
};

/** Queue.enqueue with its errors as 400s naming the field as the client spelled it. */
async function enqueueOr400(queue: Queue, input: EnqueueInput, names: { type: string; payload: string }) {
  try {
    return await queue.enqueue(input);
  } catch (err) {
    if (err instanceof IdempotencyKeyReusedError) {
      throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', err.message, { field: 'idempotencyKey', jobId: err.existingJobId });
    }
    if (err instanceof UnknownJobTypeError) {
      throw new ApiError(400, 'UNKNOWN_JOB_TYPE', err.message, { field: names.type });
    }
    if (err instanceof PayloadTooLargeError) {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Field "${names.payload}" ${err.issues[0]!.message}`, { field: names.payload });
    }
    if (err instanceof QueueValidationError) {
      const rename = (f: string) => f.replace(/^payload\b/, names.payload).replace(/^type\b/, names.type);
      throw badRequest(`Invalid field "${rename(err.field)}": ${err.issues[0]?.message ?? 'invalid'}`, {
        field: rename(err.field),
        issues: err.issues.map((i) => ({ field: rename(i.field), message: i.message })),
      });
    }
    throw err;
  }
}

/** /api/v1/jobs (mounted behind authentication; admin checks are per route, progress is for anyone signed in). */
export function queueRoutes(deps: AppDeps, adminOnly: ReturnType<typeof import('../auth/auth.ts').requireRole>) {
  const { queue } = deps;
  const app = new Hono<Env>();
  const mount = '/api/v1/jobs';
  serve(app, mount, queueApi.progress, async (_c, { params }, reply) => {
    const progress = await queue.progress(params.id);
    if (!progress) throw notFound('Job not found');
    return reply(200, progress);
  });
  app.use('*', adminOnly);
  serve(app, mount, queueApi.create, async (c, { body }, reply) => {
    const actor = c.get('principal').actor;
    const { job, created } = await enqueueOr400(
      queue,
      {
        type: body.type,
        payload: body.data,
        runAt: body.runAt,
        priority: body.priority,
        maxAttempts: body.maxAttempts,
        idempotencyKey: body.idempotencyKey,
        actorId: actor,
        createdBy: actor,
        traceId: c.get('traceId'),
        requestId: c.get('requestId'),
      },
      { type: 'type', payload: 'data' },
    );
    return reply(created ? 201 : 200, job);
  });
  serve(app, mount, queueApi.list, async (_c, { query }, reply) => {
    const { jobs, total } = await queue.list(query);
    return reply(200, { jobs, total, limit: query.limit, offset: query.offset });
  });
  serve(app, mount, queueApi.get, async (_c, { params }, reply) => {
    const job = await queue.get(params.id);
    if (!job) throw notFound('Job not found');
    return reply(200, job);
  });
  serve(app, mount, queueApi.cancel, async (_c, { params }, reply) => {
    const { outcome, job } = await queue.cancel(params.id);
    if (outcome === 'not_found') throw notFound('Job not found');
    if (outcome === 'finished') throw conflict(`Job is already ${job!.status}`, { status: job!.status });
    // A processing job is asked to stop; it is 'cancelled' once its handler ends or is terminated.
    return outcome === 'cancelling' ? reply(202, { outcome, job: job! }) : reply(200, { outcome, job: job! });
  });
  serve(app, mount, queueApi.retry, async (_c, { params }, reply) => {
    const { outcome, job } = await queue.retry(params.id);
    if (outcome === 'not_found') throw notFound('Job not found');
    if (outcome === 'not_retryable') throw conflict(`Only failed or cancelled jobs can be retried; this one is ${job!.status}`, { status: job!.status });
    return reply(200, job!);
  });
  return app;
}

/** POST /api/jobs/enqueue, seed 004's envelope-style enqueue (mounted under the admin guard). */
export function enqueueRoute(deps: AppDeps) {
  const app = new Hono<Env>();
  serve(app, '/api/jobs', queueApi.enqueue, async (c, { body }, reply) => {
    const actor = c.get('principal').actor;
    const traceId = c.get('traceId');
    const { job, created } = await enqueueOr400(
      deps.queue,
      {
        type: body.jobName,
        payload: body.payload,
        tenantId: body.tenantId,
        actorId: body.actorId ?? actor,
        requestId: body.requestId ?? c.get('requestId'),
        traceId,
        runAt: body.runAt,
        priority: body.priority,
        maxAttempts: body.maxAttempts,
        idempotencyKey: body.idempotencyKey,
        createdBy: actor,
      },
      { type: 'jobName', payload: 'payload' },
    );
    const envelope = { data: { jobId: job.id, jobName: job.type, enqueuedAt: job.createdAt, status: job.status }, meta: { traceId: job.envelope.traceId } };
    return reply(created ? 201 : 200, envelope);
  });
  return app;
}
