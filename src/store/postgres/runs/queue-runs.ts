// job_runs rows for queue attempts: the same rows ledger.ts writes (trigger 'queue', job_id,
// trace_id, first writer wins on status = 'running'), written in batches inside the runner's tick
// (completions write theirs in the same statement as the jobs: jobs/finish.ts).
//
// A row is only opened ('running') once an attempt has run for a moment (the runner's
// RUN_ROW_DELAY_MS); an attempt that ends sooner gets its finished row in one INSERT: one write
// per job instead of two. Nothing is lost: queue_jobs.run_id names the row either way, and
// recovery writes an 'abandoned' row for an attempt that died before its row was opened (endRun).
import type { FinalStatus } from '../../../runs/types.ts';
import type { RunRef } from '../../types.ts';
import type { Db } from '../db.ts';
import { closeRun } from './ledger.ts';

const OPEN = `
  INSERT INTO ns.job_runs (id, name, status, trigger, started_at, owner, job_id, trace_id)
  SELECT r.id, r.name, 'running', 'queue', r.started_at, $1, r.job_id, r.trace_id
  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS r(id, name, job_id, trace_id, started_at)
  ON CONFLICT (id) DO NOTHING`;

export async function openRuns(db: Db, runs: readonly RunRef[], owner: string): Promise<void> {
  if (runs.length === 0) return;
  await db.run(OPEN, [owner, runs.map((r) => r.runId), runs.map((r) => r.type), runs.map((r) => r.jobId), runs.map((r) => r.traceId), runs.map((r) => r.startedAt)]);
}

export interface FinishedRun extends RunRef {
  status: FinalStatus;
  details: string | null;
  error: string | null;
}

const INSERT_FINISHED = `
  INSERT INTO ns.job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, details, error, owner, job_id, trace_id)
  SELECT r.id, r.name, r.status, 'queue', r.started_at, $1, greatest(0, $1 - r.started_at), r.details, r.error, $2, r.job_id, r.trace_id
  FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::text[])
       AS r(id, name, job_id, trace_id, started_at, status, details, error)
  ON CONFLICT (id) DO NOTHING`;

/** Rows for attempts that ended before their row was opened: one INSERT, already finished. */
export async function insertFinishedRuns(db: Db, runs: readonly FinishedRun[], owner: string, now: number): Promise<void> {
  if (runs.length === 0) return;
  await db.run(INSERT_FINISHED, [
    now,
    owner,
    runs.map((r) => r.runId),
    runs.map((r) => r.type),
    runs.map((r) => r.jobId),
    runs.map((r) => r.traceId),
    runs.map((r) => Math.min(r.startedAt, now)),
    runs.map((r) => r.status),
    runs.map((r) => r.details),
    runs.map((r) => r.error),
  ]);
}

/** Ends an attempt's run whether or not its row was opened yet (recovery, lost threads). */
export async function endRun(db: Db, run: FinishedRun, owner: string | null, now: number): Promise<void> {
  if (await closeRun(db, run.runId, { status: run.status, details: run.details, error: run.error, now })) return;
  await insertFinishedRuns(db, [run], owner ?? 'unknown', now); // DO NOTHING: a row already closed stays as it is
}
