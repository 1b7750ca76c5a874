// A run row as stores keep it (times in epoch ms, details as JSON text), and its API shape, JobRun.
import type { JobDetails, RunTrigger } from '../jobs/define.ts';
import type { JobRun, RunStatus } from '../runs/types.ts';

export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  trigger: RunTrigger;
  started_at: number;
  ended_at: number | null;
  duration_ms: number | null;
  details: string | null;
  error: string | null;
  job_id: string | null;
  trace_id: string | null;
  owner: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseDetails(text: string | null): JobDetails | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as JobDetails;
  } catch {
    return { raw: text };
  }
}

export function toJobRun(row: RunRow): JobRun {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    trigger: row.trigger,
    startedAt: iso(row.started_at)!,
    endedAt: iso(row.ended_at),
    durationMs: row.duration_ms,
    details: parseDetails(row.details),
    error: row.error,
    jobId: row.job_id,
    traceId: row.trace_id,
  };
}
