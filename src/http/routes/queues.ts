// /api/v1/queues: the queue types this app runs, with their counts and whether an operator paused
// them, and pause/resume (issue 14). A paused type's jobs stay pending (running ones finish) on
// every runner of the database; enqueue still accepts them.
import { Hono } from 'hono';
import { z } from 'zod';
import type { Queue } from '../../queue/index.ts';
import type { AuthEnv } from '../auth/auth.ts';
import type { AppDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { defineRoute, serve } from '../openapi/define.ts';
import { timestamp } from './shapes.ts';

type Env = { Variables: AuthEnv['Variables'] };
const TAGS = ['Queue'];
const typeParam = z.object({ type: z.string().meta({ description: 'The queue type (a job file\'s name)' }) });
const counts = z.strictObject({
  pending: z.number().int().min(0),
  processing: z.number().int().min(0),
  completed: z.number().int().min(0),
  failed: z.number().int().min(0),
  cancelled: z.number().int().min(0),
});
const queueRow = z.strictObject({
  type: z.string(),
  paused: z.boolean(),
  pausedAt: timestamp.nullable().meta({ description: 'When it was paused (null: running)' }),
  pausedBy: z.string().nullable().meta({ description: 'Who paused it, when known' }),
  counts,
});
const pauseResult = z.strictObject({
  type: z.string(),
  paused: z.boolean(),
  changed: z.boolean().meta({ description: 'false: it already was in that state' }),
});

export const queuesApi = {
  list: defineRoute({
    operationId: 'listQueues',
    method: 'get',
    path: '/api/v1/queues',
    summary: 'Queue types: counts by status and whether each is paused',
    tags: TAGS,
    access: 'admin',
    responses: { 200: { description: 'One row per queue type this app runs', schema: z.strictObject({ queues: z.array(queueRow) }) } },
  }),
  pause: defineRoute({
    operationId: 'pauseQueue',
    method: 'post',
    path: '/api/v1/queues/:type/pause',
    summary: 'Pause a queue type',
    description: "Its pending jobs stay pending and running ones finish, on every runner of the database (within a poll interval for other processes); enqueue still accepts new jobs. Persisted until resumed.",
    tags: TAGS,
    access: 'admin',
    params: typeParam,
    responses: { 200: { description: 'Paused', schema: pauseResult } },
    errors: { 404: ['NOT_FOUND'] },
  }),
  resume: defineRoute({
    operationId: 'resumeQueue',
    method: 'post',
    path: '/api/v1/queues/:type/resume',
    summary: 'Resume a paused queue type',
    tags: TAGS,
    access: 'admin',
    params: typeParam,
    responses: { 200: { description: 'Running again', schema: pauseResult } },
    errors: { 404: ['NOT_FOUND'] },
  }),
};

async function queueRows(queue: Queue) {
  const [byType, paused] = await Promise.all([queue.countsByType(), queue.paused()]);
  const pausedByType = new Map(paused.map((p) => [p.type, p]));
  const empty = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  return queue.types.all().map(({ name }) => {
    const p = pausedByType.get(name);
    return {
      type: name,
      paused: p !== undefined,
      pausedAt: p ? new Date(p.pausedAt).toISOString() : null,
      pausedBy: p?.pausedBy ?? null,
      counts: { ...empty, ...byType.get(name) },
    };
  });
}

/** Mounted at /api/v1/queues behind authentication and the admin guard. */
export function queuesRoutes(deps: AppDeps) {
  const { queue } = deps;
  const app = new Hono<Env>();
  const mount = '/api/v1/queues';
  serve(app, mount, queuesApi.list, async (_c, _input, reply) => reply(200, { queues: await queueRows(queue) }));
  const setPaused = async (c: { get(key: 'principal'): { actor: string } }, type: string, paused: boolean) => {
    if (!queue.types.get(type)) throw notFound(`No queue type "${type}"`);
    const by = c.get('principal').actor;
    const changed = paused ? await queue.pause(type, by) : await queue.resume(type, by);
    return { type, paused, changed };
  };
  serve(app, mount, queuesApi.pause, async (c, { params }, reply) => reply(200, await setPaused(c, params.type, true)));
  serve(app, mount, queuesApi.resume, async (c, { params }, reply) => reply(200, await setPaused(c, params.type, false)));
  return app;
}
