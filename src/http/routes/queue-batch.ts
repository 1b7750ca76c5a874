// POST /api/v1/jobs/batch: many jobs in one request, all or nothing (Queue.enqueueMany). Each item
// has POST /api/v1/jobs's shape; an invalid item fails the whole batch with a 400 that names it
// by index (`jobs.3.data.seconds`), so the client can fix it and send the batch again.
import { Hono } from 'hono';
import { z } from 'zod';
import { BatchTooLargeError, MAX_BATCH_JOBS } from '../../queue/enqueue-many.ts';
import { IdempotencyKeyReusedError, PayloadTooLargeError, QueueValidationError, type EnqueueInput, type Queue } from '../../queue/index.ts';
import type { AuthEnv } from '../auth/auth.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, badRequest } from '../errors.ts';
import { defineRoute, serve } from '../openapi/define.ts';
import type { TraceEnv } from '../trace.ts';
import { createBody } from './queue.ts';
import { queueJob } from './shapes.ts';

type Env = { Variables: AuthEnv['Variables'] & TraceEnv['Variables'] };

const batchBody = z.object({
  // No .max(): a batch over the limit is a 413 (BATCH_TOO_LARGE), not a validation error.
  jobs: z.array(createBody).min(1).meta({ description: `The jobs, each shaped like POST /api/v1/jobs's body; at most ${MAX_BATCH_JOBS}` }),
});
const batchResult = z.strictObject({
  results: z.array(z.strictObject({ created: z.boolean().meta({ description: 'false: the job already held this idempotency key' }), job: queueJob })),
  created: z.number().int().min(0).meta({ description: 'How many jobs this request stored' }),
});

export const queueBatchApi = {
  createMany: defineRoute({
    operationId: 'enqueueJobBatch',
    method: 'post',
    path: '/api/v1/jobs/batch',
    summary: 'Enqueue many jobs at once, all or nothing',
    description:
      `Up to ${MAX_BATCH_JOBS} jobs in one transaction. Every item is validated first (its payload with its job type's schema); ` +
      'if any is invalid nothing is stored and the 400 names each bad item by index (`jobs.3.data.seconds`). ' +
      'An idempotency key already held, by a stored job or by an earlier item of the batch, answers that job with `created: false`. ' +
      'Results come in the order of the items.',
    tags: ['Queue'],
    access: 'admin',
    body: batchBody,
    jobPayload: { typeField: 'type', payloadField: 'data', itemsOf: 'jobs' },
    bodyExample: { jobs: [{ type: 'system.ping' }, { type: 'system.ping', priority: 5, idempotencyKey: 'ping-2' }] },
    responses: {
      201: { description: 'Stored (at least one job was new)', schema: batchResult },
      200: { description: 'Every job already existed (each held its idempotency key)', schema: batchResult },
    },
    // An unknown type is one of the VALIDATION_ERROR issues (`jobs.2.type`), not its own code.
    errors: { 409: ['IDEMPOTENCY_KEY_REUSED'], 413: ['BATCH_TOO_LARGE'] },
  }),
};

/** The engine's field names (payload) as the client spelled them (data). */
const clientField = (field: string) => field.replace(/^(jobs\.\d+\.)payload\b/, '$1data');

/** Queue.enqueueMany with its errors as 4xx naming the item and field. */
function enqueueManyOr4xx(queue: Queue, inputs: EnqueueInput[]) {
  try {
    return queue.enqueueMany(inputs);
  } catch (err) {
    if (err instanceof BatchTooLargeError) throw new ApiError(413, 'BATCH_TOO_LARGE', err.message);
    if (err instanceof PayloadTooLargeError) {
      const field = clientField(err.field);
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Field "${field}" ${err.issues[0]!.message}`, { field });
    }
    if (err instanceof QueueValidationError) {
      const issues = err.issues.map((i) => ({ field: clientField(i.field), message: i.message }));
      throw badRequest(`Invalid field "${issues[0]!.field}": ${issues[0]!.message}`, { field: issues[0]!.field, issues });
    }
    if (err instanceof IdempotencyKeyReusedError) {
      const index = inputs.findIndex((i) => i.idempotencyKey === err.key);
      throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', err.message, { field: `jobs.${index}.idempotencyKey`, jobId: err.existingJobId });
    }
    throw err;
  }
}

/** Mounted at /api/v1/jobs behind authentication; owner or admin only. */
export function queueBatchRoutes(deps: AppDeps, adminOnly: ReturnType<typeof import('../auth/auth.ts').requireRole>) {
  const app = new Hono<Env>();
  app.use('/batch', adminOnly);
  serve(app, '/api/v1/jobs', queueBatchApi.createMany, async (c, { body }, reply) => {
    const actor = c.get('principal').actor;
    const inputs: EnqueueInput[] = body.jobs.map((item) => ({
      type: item.type,
      payload: item.data,
      runAt: item.runAt,
      priority: item.priority,
      maxAttempts: item.maxAttempts,
      idempotencyKey: item.idempotencyKey,
      actorId: actor,
      createdBy: actor,
      traceId: c.get('traceId'),
      requestId: c.get('requestId'),
    }));
    const results = await enqueueManyOr4xx(deps.queue, inputs);
    const created = results.filter((r) => r.created).length;
    return reply(created > 0 ? 201 : 200, { results: results.map(({ created, job }) => ({ created, job })), created });
  });
  return app;
}
