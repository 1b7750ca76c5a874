// What the scheduler reports about a job (seed 002's getJobStatus, the status API): its schedule in
// words, its last run from the ledger, and when it runs next.
import type { Db } from '../db/open.ts';
import { describeCron, nextDue } from '../jobs/cron.ts';
import type { LoadedJob } from '../jobs/load.ts';
import { lastRun, type JobRun } from '../runs/ledger.ts';

export interface JobStatus {
  name: string;
  description: string;
  schedule: string;
  scheduleText: string;
  timeoutMs: number;
  running: boolean;
  lastRun: Pick<JobRun, 'id' | 'status' | 'trigger' | 'startedAt' | 'endedAt' | 'durationMs'> | null;
  nextRun: string | null;
}

export interface StatusContext {
  db: Db;
  timezone: string;
  /** False when jobs are disabled: nothing will run, so there is no next run. */
  scheduling: boolean;
  /** A run of this job is in flight in this process. */
  runningHere: boolean;
}

export function jobStatus(job: LoadedJob, ctx: StatusContext): JobStatus {
  const name = job.definition.name;
  const schedule = job.definition.schedule!;
  const last = lastRun(ctx.db, name);
  return {
    name,
    description: job.definition.description,
    schedule,
    scheduleText: describeCron(schedule),
    timeoutMs: job.timeoutMs,
    // Another process may be running it: the ledger's open row says so.
    running: ctx.runningHere || last?.status === 'running',
    lastRun: last
      ? { id: last.id, status: last.status, trigger: last.trigger, startedAt: last.startedAt, endedAt: last.endedAt, durationMs: last.durationMs }
      : null,
    nextRun: ctx.scheduling ? (nextDue(schedule, ctx.timezone)?.toISOString() ?? null) : null,
  };
}
