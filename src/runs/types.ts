// The run ledger's shapes: every run, scheduled, manual, catch-up or queued, is one JobRun. Times
// are ISO strings here (the API's shape); stores keep epoch ms (src/store/run-rows.ts converts).
import type { JobDetails, RunTrigger } from '../jobs/define.ts';

export const RUN_STATUSES = ['running', 'success', 'failed', 'skipped', 'abandoned', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type FinalStatus = Exclude<RunStatus, 'running'>;

export interface JobRun {
  id: string;
  name: string;
  status: RunStatus;
  trigger: RunTrigger;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  details: JobDetails | null;
  error: string | null;
  jobId: string | null;
  traceId: string | null;
}

export interface RunFilter {
  name?: string;
  status?: RunStatus;
  /** Any of these statuses (the dashboard's "recent failures": failed or abandoned). */
  statuses?: readonly RunStatus[];
  trigger?: RunTrigger;
  jobId?: string;
  /** Started at or after this time (ms). */
  startedFrom?: number;
  /** Started before this time (ms). */
  startedBefore?: number;
  limit: number;
  offset?: number;
}
