// The run ledger's shapes: every run, scheduled, manual, catch-up or queued, is one JobRun. Times
// are ISO strings here (the API's shape); stores keep epoch ms (src/store/run-rows.ts converts).

/** What started a run. */
export type RunTrigger = 'schedule' | 'manual' | 'catch-up' | 'queue';

/** Per-run details a job returns; stored as JSON on its job_runs row. */
export type JobDetails = Record<string, unknown>;

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

/** Which runs: every condition given must hold. */
export interface RunCountFilter {
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
  /**
   * Only this run and the runs started before it (run ids are time-ordered): a snapshot bound, so
   * that paging through the ledger leaves out runs that start meanwhile.
   */
  upToId?: string;
  /** Leave this run out (a job reading the ledger leaves out its own run). */
  excludeId?: string;
}

export interface RunFilter extends RunCountFilter {
  /** 'newest' first (the default) or 'oldest' first, in start order (run id order). */
  order?: 'newest' | 'oldest';
  /**
   * Keyset paging: only runs that come after this run id in the chosen order (older ones when
   * newest first, newer ones when oldest first). Pass the last id of a page to get the next one;
   * unlike offset, rows added or removed meanwhile do not shift the pages.
   */
  afterId?: string;
  limit: number;
  offset?: number;
}

/**
 * The run ledger, read-only, as job code gets it (ctx.runs): the same reads on every store, so a job
 * that reads the history (an export, a report) needs no SQL and runs unchanged on any backend.
 */
export interface RunReader {
  /** Newest first unless `order: 'oldest'`; page with `afterId` (see RunFilter). */
  list(filter: RunFilter): Promise<JobRun[]>;
  /** How many runs match (without order and paging). */
  count(filter: RunCountFilter): Promise<number>;
  get(id: string): Promise<JobRun | undefined>;
}
