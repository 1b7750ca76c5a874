// The queue over HTTP: seed 003's /api/v1/jobs resource and seed 004's /api/jobs/enqueue.
// Validation of payloads is the job's own zod schema (inside Queue.enqueue); nothing invalid is stored.
import { Hono } from 'hono';
import { z } from 'zod';
import { IdempotencyKeyReusedError, QUEUE_STATUSES, QueueValidationError, UnknownJobTypeError, type EnqueueInput, type Queue } from '../../queue/index.ts';
import type { AppDeps } from '../app.ts';
import type { AuthEnv } from '../auth/auth.ts';
import { ApiError, badRequest, conflict, notFound } from '../errors.ts';
import type { TraceEnv } from '../trace.ts';
import { isoDateTime, queryInt, readJson, readQuery } from '../validate.ts';

type Env = { Variables: AuthEnv['Variables'] & TraceEnv['Variables'] };

const MAX_LIMIT = 500;
const optionsShape = {
  runAt: isoDateTime.optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
};
const createBody = z.object({ type: z.string().min(1).max(100), data: z.unknown().optional(), ...optionsShape });
const enqueueBody = z.object({
  jobName: z.string().min(1).max(100),
  payload: z.unknown().optional(),
  tenantId: z.string().min(1).max(200).optional(),
  actorId: z.string().min(1).max(200).optional(),
  requestId: z.string().min(1).max(200).optional(),
  ...optionsShape,
});
const listQuery = z.object({
  status: z.enum(QUEUE_STATUSES).optional(),
  type: z.string().min(1).max(100).optional(),
  limit: queryInt(1, MAX_LIMIT, 50),
  offset: queryInt(0, 1_000_000_000, 0),
});

/** Queue.enqueue with its errors as 400s naming the field as the client spelled it. */
function enqueueOr400(queue: Queue, input: EnqueueInput, names: { type: string; payload: string }) {
  try {
    return queue.enqueue(input);
  } catch (err) {
    if (err instanceof IdempotencyKeyReusedError) {
      throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', err.message, { field: 'idempotencyKey', jobId: err.existingJobId });
    }
    if (err instanceof UnknownJobTypeError) {
      throw new ApiError(400, 'UNKNOWN_JOB_TYPE', err.message, { field: names.type });
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
  return new Hono<Env>()
    .get('/:id/progress', (c) => {
      const progress = queue.progress(c.req.param('id'));
      if (!progress) throw notFound('Job not found');
      return c.json(progress);
    })
    .use('*', adminOnly)
    .post('/', async (c) => {
      const body = await readJson(c, createBody);
      const claims = c.get('claims');
      const { job, created } = enqueueOr400(
        queue,
        {
          type: body.type,
          payload: body.data,
          runAt: body.runAt,
          priority: body.priority,
          maxAttempts: body.maxAttempts,
          idempotencyKey: body.idempotencyKey,
          actorId: claims.sub,
          createdBy: claims.sub,
          traceId: c.get('traceId'),
          requestId: c.get('requestId'),
        },
        { type: 'type', payload: 'data' },
      );
      return c.json(job, created ? 201 : 200);
    })
    .get('/', (c) => {
      const q = readQuery(c, listQuery);
      const { jobs, total } = queue.list(q);
      return c.json({ jobs, total, limit: q.limit, offset: q.offset });
    })
    .get('/:id', (c) => {
      const job = queue.get(c.req.param('id'));
      if (!job) throw notFound('Job not found');
      return c.json(job);
    })
    .delete('/:id', (c) => {
      const { outcome, job } = queue.cancel(c.req.param('id'));
      if (outcome === 'not_found') throw notFound('Job not found');
      if (outcome === 'finished') throw conflict(`Job is already ${job!.status}`, { status: job!.status });
      // A processing job is asked to stop; it is 'cancelled' once its handler ends or is terminated.
      return c.json({ outcome, job }, outcome === 'cancelling' ? 202 : 200);
    })
    .post('/:id/retry', (c) => {
      const { outcome, job } = queue.retry(c.req.param('id'));
      if (outcome === 'not_found') throw notFound('Job not found');
      if (outcome === 'not_retryable') throw conflict(`Only failed or cancelled jobs can be retried; this one is ${job!.status}`, { status: job!.status });
      return c.json(job);
    });
}

/** POST /api/jobs/enqueue, seed 004's envelope-style enqueue (mounted under the admin guard). */
export function enqueueRoute(deps: AppDeps) {
  return new Hono<Env>().post('/enqueue', async (c) => {
    const body = await readJson(c, enqueueBody);
    const claims = c.get('claims');
    const traceId = c.get('traceId');
    const { job, created } = enqueueOr400(
      deps.queue,
      {
        type: body.jobName,
        payload: body.payload,
        tenantId: body.tenantId,
        actorId: body.actorId ?? claims.sub,
        requestId: body.requestId ?? c.get('requestId'),
        traceId,
        runAt: body.runAt,
        priority: body.priority,
        maxAttempts: body.maxAttempts,
        idempotencyKey: body.idempotencyKey,
        createdBy: claims.sub,
      },
      { type: 'jobName', payload: 'payload' },
    );
    return c.json({ data: { jobId: job.id, jobName: job.type, enqueuedAt: job.createdAt, status: job.status }, meta: { traceId: job.envelope.traceId } }, created ? 201 : 200);
  });
}
