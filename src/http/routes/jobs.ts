// Admin API for scheduled jobs: status, manual trigger, run history (seed 000's contract).
import { Hono } from 'hono';
import { z } from 'zod';
import { RUN_STATUSES, getRun, listRuns } from '../../runs/ledger.ts';
import { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from '../../scheduler/errors.ts';
import type { RunOutcome } from '../../scheduler/scheduler.ts';
import type { AppDeps } from '../app.ts';
import { ApiError, conflict, notFound } from '../errors.ts';
import { queryInt, readQuery } from '../validate.ts';

export const MAX_RUNS_LIMIT = 500;

const runsQuery = z.object({
  limit: queryInt(1, MAX_RUNS_LIMIT, 50),
  offset: queryInt(0, 1_000_000_000, 0),
  name: z.string().min(1).max(100).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: z.enum(['schedule', 'manual', 'catch-up', 'queue']).optional(),
});

const runQuery = z.object({ wait: z.enum(['true', 'false']).default('true') });

const resultOf = (o: RunOutcome) => ({
  success: o.status === 'success',
  status: o.status,
  details: o.details ?? {},
  ...(o.error ? { error: o.error } : {}),
  durationMs: o.durationMs,
});

export function jobRoutes(deps: AppDeps) {
  const { db, scheduler } = deps;
  return new Hono()
    .get('/status', (c) => c.json(scheduler.getStatus()))
    .post('/run/:name', async (c) => {
      const name = c.req.param('name');
      const { wait } = readQuery(c, runQuery);
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
        return c.json({ job: name, runId: handle.runId, status: 'running', statusUrl: `/api/jobs/runs/${handle.runId}` }, 202);
      }
      return c.json({ job: name, runId: handle.runId, result: resultOf(outcome) });
    })
    .get('/runs', (c) => {
      const q = readQuery(c, runsQuery);
      return c.json({ runs: listRuns(db, q), limit: q.limit, offset: q.offset });
    })
    .get('/runs/:id', (c) => {
      const run = getRun(db, c.req.param('id'));
      if (!run) throw notFound('Run not found');
      return c.json({ run });
    });
}
