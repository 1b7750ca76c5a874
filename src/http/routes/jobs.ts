// Admin API for scheduled jobs: status, manual trigger, run history (seed 000's contract).
import { Hono } from 'hono';
import { z } from 'zod';
import { RUN_STATUSES } from '../../runs/types.ts';
import { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from '../../scheduler/errors.ts';
import type { RunOutcome } from '../../scheduler/scheduler.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import { boundListedRun } from '../../store/list-bounds.ts';
import { defineRoute, serve } from '../openapi/define.ts';
import { queryInt } from '../validate.ts';
import { RUN_TRIGGERS, jobRun, listedJobRun, runResult, schedulerStatus } from './shapes.ts';

export const MAX_RUNS_LIMIT = 500;
const TAGS = ['Scheduled jobs'];

const runsQuery = z.object({
  limit: queryInt(1, MAX_RUNS_LIMIT, 50),
  offset: queryInt(0, 1_000_000_000, 0),
  name: z.string().min(1).max(100).optional().meta({ description: 'Only runs of this job' }),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: z.enum(RUN_TRIGGERS).optional(),
});

const runQuery = z.object({
  wait: z.enum(['true', 'false']).default('true').meta({ description: 'false: answer 202 at once instead of waiting for the result' }),
});

const jobName = z.object({ name: z.string().meta({ description: 'A scheduled job (see GET /api/jobs/status)', examples: ['cleanupPreviewSessions'] }) });
const runId = z.object({ id: z.string().meta({ description: 'Run id' }) });

export const jobsApi = {
  status: defineRoute({
    operationId: 'getJobsStatus',
    method: 'get',
    path: '/api/jobs/status',
    summary: 'Scheduler state and every scheduled job: cron in words, last run, next run',
    tags: TAGS,
    access: 'admin',
    responses: { 200: { description: 'The scheduler and its jobs', schema: schedulerStatus } },
  }),
  run: defineRoute({
    operationId: 'runJob',
    method: 'post',
    path: '/api/jobs/run/:name',
    summary: 'Run a scheduled job now',
    description: 'Waits for the result up to RUN_WAIT_MS (default 30 s); a longer run, or `?wait=false`, answers 202 with the run id to poll.',
    tags: TAGS,
    access: 'admin',
    params: jobName,
    query: runQuery,
    responses: {
      200: { description: 'The run finished', schema: z.strictObject({ job: z.string(), runId: z.string(), result: runResult }) },
      202: {
        description: 'The run is still going: poll statusUrl',
        schema: z.strictObject({ job: z.string(), runId: z.string(), status: z.literal('running'), statusUrl: z.string() }),
      },
    },
    errors: { 404: ['JOB_NOT_FOUND'], 409: ['CONFLICT'], 503: ['JOBS_DISABLED', 'SCHEDULER_NOT_RUNNING'] },
  }),
  runs: defineRoute({
    operationId: 'listRuns',
    method: 'get',
    path: '/api/jobs/runs',
    summary: 'Run history, newest first',
    tags: TAGS,
    access: 'admin',
    query: runsQuery,
    responses: {
      200: {
        description: 'A page of runs. Bounded in bytes: large details and errors are summarised (ValueSummary, named in each run\'s `truncated`); GET /api/jobs/runs/{id} answers them whole',
        schema: z.strictObject({ runs: z.array(listedJobRun), limit: z.number().int(), offset: z.number().int() }),
      },
    },
  }),
  getRun: defineRoute({
    operationId: 'getRun',
    method: 'get',
    path: '/api/jobs/runs/:id',
    summary: 'One run',
    tags: TAGS,
    access: 'admin',
    params: runId,
    responses: { 200: { description: 'The run', schema: z.strictObject({ run: jobRun }) } },
    errors: { 404: ['NOT_FOUND'] },
  }),
};

const resultOf = (o: RunOutcome) => ({
  success: o.status === 'success',
  status: o.status,
  details: o.details ?? {},
  ...(o.error ? { error: o.error } : {}),
  durationMs: o.durationMs,
});

export function jobRoutes(deps: AppDeps) {
  const { store, scheduler } = deps;
  const app = new Hono();
  serve(app, '/api/jobs', jobsApi.status, async (_c, _input, reply) => reply(200, await scheduler.getStatus()));
  serve(app, '/api/jobs', jobsApi.run, async (_c, { params: { name }, query: { wait } }, reply) => {
    let handle;
    try {
      handle = await scheduler.runNow(name, 'manual');
    } catch (err) {
      if (err instanceof UnknownJobError) throw notFound(err.message, 'JOB_NOT_FOUND');
      if (err instanceof JobAlreadyRunningError) throw conflict(err.message, { runId: err.runningRunId });
      if (err instanceof JobsDisabledError) throw new ApiError(503, 'JOBS_DISABLED', err.message);
      if (err instanceof SchedulerNotRunningError) throw new ApiError(503, 'SCHEDULER_NOT_RUNNING', err.message);
      throw err;
    }
    // Answer with the result when the run ends within RUN_WAIT_MS; otherwise 202 with the run id.
    const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), wait === 'true' ? deps.runWaitMs : 0).unref());
    const outcome = await Promise.race([handle.done, timeout]);
    if (!outcome) {
      return reply(202, { job: name, runId: handle.runId, status: 'running', statusUrl: `/api/jobs/runs/${handle.runId}` });
    }
    return reply(200, { job: name, runId: handle.runId, result: resultOf(outcome) });
  });
  serve(app, '/api/jobs', jobsApi.runs, async (_c, { query }, reply) =>
    // Large details and errors are summarised in a list (src/store/list-bounds.ts); getRun has them whole.
    reply(200, { runs: (await store.runs.list(query)).map(boundListedRun), limit: query.limit, offset: query.offset }),
  );
  serve(app, '/api/jobs', jobsApi.getRun, async (_c, { params }, reply) => {
    const run = await store.runs.get(params.id);
    if (!run) throw notFound('Run not found');
    return reply(200, { run });
  });
  return app;
}
