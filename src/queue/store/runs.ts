// job_runs rows for queue attempts, written in batches. This is the same row src/runs/ledger.ts
// writes with openRun/finishRun (trigger 'queue', job_id, trace_id, the same "first writer wins"
// guard on status = 'running'), as one statement per batch instead of one prepare + run per job:
// at thousands of jobs a second the per-call prepare alone would cost more than the queue's SQL.
// Single-row paths (failures, recovery) use the ledger's own functions.
import type { Db } from '../../db/open.ts';
import { stmt } from './statements.ts';

export interface OpenRun {
  runId: string;
  type: string;
  jobId: string;
  traceId: string;
}

const OPEN = `
  INSERT INTO job_runs (id, name, status, trigger, started_at, owner, job_id, trace_id)
  SELECT r.value ->> 0, r.value ->> 1, 'running', 'queue', @now, @owner, r.value ->> 2, r.value ->> 3
  FROM json_each(@runs) AS r`;

export function openRuns(db: Db, runs: readonly OpenRun[], owner: string, now: number): void {
  if (runs.length === 0) return;
  stmt(db, OPEN).run({ runs: JSON.stringify(runs.map((r) => [r.runId, r.type, r.jobId, r.traceId])), owner, now });
}

const SUCCEED = `
  UPDATE job_runs SET status = 'success', ended_at = @now, duration_ms = MAX(0, @now - started_at), details = r.value ->> 1
  FROM json_each(@runs) AS r
  WHERE job_runs.id = r.value ->> 0 AND job_runs.status = 'running'`;

/** Closes runs as 'success'; details is the handler's result as JSON text (or null). */
export function succeedRuns(db: Db, runs: readonly { runId: string; details: string | null }[], now: number): void {
  if (runs.length === 0) return;
  stmt(db, SUCCEED).run({ runs: JSON.stringify(runs.map((r) => [r.runId, r.details])), now });
}
