// What the scheduler reports about a job (seed 002's getJobStatus, the status API): its schedule in
// words, its last run from the ledger, and when it runs next.
import { describeCron, nextDue } from '../jobs/cron.ts';
import type { LoadedJob } from '../jobs/load.ts';
import type { JobRun } from '../runs/types.ts';
import type { NightshiftStore } from '../store/types.ts';

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
  store: NightshiftStore;
  timezone: string;
  /** False when jobs are disabled: nothing will run, so there is no next run. */
  scheduling: boolean;
  /** A run of this job is in flight in this process. */
  runningHere: boolean;
}

export async function jobStatus(job: LoadedJob, ctx: StatusContext): Promise<JobStatus> {
  const name = job.definition.name;
  const schedule = job.definition.schedule!;
  const last = await ctx.store.runs.last(name);
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
