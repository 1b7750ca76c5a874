// nightshift_job_runs rows for queue attempts: the same rows src/runs/ledger.ts writes (trigger 'queue',
// job_id, trace_id, first writer wins on status = 'running'), written in batches.
//
// A row is only opened ('running') once an attempt has run for a moment (the runner's
// RUN_ROW_DELAY_MS); an attempt that ends sooner gets its finished row in one INSERT. Most jobs
// are short, so this halves the ledger writes per job (one INSERT instead of INSERT + UPDATE, and
// no churn in the "still running" index), which matters at thousands of jobs a second. Nothing is
// lost: nightshift_queue_jobs.run_id names the row either way, and recovery writes an 'abandoned' row for an
// attempt that died before its row was opened (abandonRun).
import type { Db } from '../open.ts';
import type { FinalStatus } from '../../../runs/types.ts';
import type { RunRef } from '../../types.ts';
import { finishRun } from './ledger.ts';
import { stmt } from '../statements.ts';


const OPEN = `
  INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, owner, job_id, trace_id)
  SELECT r.value ->> 0, r.value ->> 1, 'running', 'queue', r.value ->> 4, @owner, r.value ->> 2, r.value ->> 3
  FROM json_each(@runs) AS r`;

export function openRuns(db: Db, runs: readonly RunRef[], owner: string): void {
  if (runs.length === 0) return;
  stmt(db, OPEN).run({ runs: JSON.stringify(runs.map((r) => [r.runId, r.type, r.jobId, r.traceId, r.startedAt])), owner });
}

const SUCCEED = `
  UPDATE nightshift_job_runs SET status = 'success', ended_at = @now, duration_ms = MAX(0, @now - started_at), details = r.value ->> 1
  FROM json_each(@runs) AS r
  WHERE nightshift_job_runs.id = r.value ->> 0 AND nightshift_job_runs.status = 'running'`;

/** Closes open runs as 'success'; details is the handler's result as JSON text (or null). */
export function succeedRuns(db: Db, runs: readonly { runId: string; details: string | null }[], now: number): void {
  if (runs.length === 0) return;
  stmt(db, SUCCEED).run({ runs: JSON.stringify(runs.map((r) => [r.runId, r.details])), now });
}

export interface FinishedRun extends RunRef {
  status: FinalStatus;
  details: string | null;
  error: string | null;
}

const INSERT_FINISHED = `
  INSERT OR IGNORE INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, details, error, owner, job_id, trace_id)
  SELECT r.value ->> 0, r.value ->> 1, r.value ->> 5, 'queue', r.value ->> 4, @now, MAX(0, @now - (r.value ->> 4)),
         r.value ->> 6, r.value ->> 7, @owner, r.value ->> 2, r.value ->> 3
  FROM json_each(@runs) AS r`;

/** Rows for attempts that ended before their row was opened: one INSERT, already finished. */
export function insertFinishedRuns(db: Db, runs: readonly FinishedRun[], owner: string, now: number): void {
  if (runs.length === 0) return;
  const json = JSON.stringify(runs.map((r) => [r.runId, r.type, r.jobId, r.traceId, Math.min(r.startedAt, now), r.status, r.details, r.error]));
  stmt(db, INSERT_FINISHED).run({ runs: json, owner, now });
}

/** Ends an attempt's run whether or not its row was opened yet (recovery, lost threads). */
export function endRun(db: Db, run: FinishedRun, owner: string | null, now: number): void {
  if (finishRun(db, run.runId, { status: run.status, details: run.details === null ? null : (JSON.parse(run.details) as never), error: run.error, now })) return;
  insertFinishedRuns(db, [run], owner ?? 'unknown', now); // OR IGNORE: a row already closed stays as it is
}
