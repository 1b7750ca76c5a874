// The run ledger's SQL on PostgreSQL: every run, scheduled, manual, catch-up or queued, is one row
// of job_runs (the queue writes the same rows in batches: queue-runs.ts). Run ids are UUIDv7 made
// from started_at, so id order is start order: "newest first" is id DESC, on the primary key.
import { uuidv7, uuidv7Prefix } from '../../../core/ids.ts';
import type { FinalStatus, JobRun, RunCountFilter, RunFilter, RunStatus } from '../../../runs/types.ts';
import { LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES, type ListedJobRun } from '../../list-bounds.ts';
import { toListedRun, type ListRunRow } from '../../listed-rows.ts';
import { toJobRun, type RunRow } from '../../run-rows.ts';
import type { FinishRunInput, StartRunInput, StartRunResult } from '../../types.ts';
import type { Db } from '../db.ts';

/**
 * Opens a 'running' row unless the job already has one. Call inside a transaction: an advisory
 * lock on the job's name makes the check and the insert one step across every process (two
 * instances firing the same cron slot: one starts, the other is told which run is running).
 */
export async function startRun(db: Db, input: StartRunInput): Promise<StartRunResult> {
  await db.lock(`run:${input.name}`);
  const running = await db.row<{ id: string }>(`SELECT id FROM ns.job_runs WHERE name = $1 AND status = 'running' LIMIT 1`, [input.name]);
  if (running) return { started: false, runningRunId: running.id };
  return { started: true, runId: await insertRun(db, { ...input, status: 'running' }) };
}

async function insertRun(db: Db, input: StartRunInput & { status: RunStatus; error?: string }): Promise<string> {
  const now = input.now ?? Date.now();
  const id = uuidv7(now);
  const ended = input.status === 'running' ? null : now;
  await db.run(
    `INSERT INTO ns.job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, error, owner, job_id, trace_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [id, input.name, input.status, input.trigger, now, ended, ended === null ? null : 0, input.error ?? null, input.owner, input.jobId ?? null, input.traceId ?? null],
  );
  return id;
}

/** A tick that found the job still running: recorded, not silently dropped. */
export function recordSkipped(db: Db, input: StartRunInput & { reason: string }): Promise<string> {
  return insertRun(db, { ...input, status: 'skipped', error: input.reason });
}

export interface RunClose {
  status: FinalStatus;
  /** JSON text, or null. */
  details: string | null;
  error: string | null;
  now: number;
}

/** Closes a running row. Returns false when it was already closed (first writer wins). */
export async function closeRun(db: Db, runId: string, close: RunClose): Promise<boolean> {
  const changed = await db.run(
    `UPDATE ns.job_runs SET status = $2, ended_at = $3, duration_ms = greatest(0, $3 - started_at), details = $4, error = $5
     WHERE id = $1 AND status = 'running'`,
    [runId, close.status, close.now, close.details, close.error],
  );
  return changed === 1;
}

export function finishRun(db: Db, runId: string, input: FinishRunInput): Promise<boolean> {
  const details = input.details ? JSON.stringify(input.details) : null;
  return closeRun(db, runId, { status: input.status, details, error: input.error ?? null, now: input.now ?? Date.now() });
}

export async function getRun(db: Db, runId: string): Promise<JobRun | undefined> {
  const row = await db.row<RunRow>(`SELECT * FROM ns.job_runs WHERE id = $1`, [runId]);
  return row && toJobRun(row);
}

/**
 * A list row: details and error whole up to LIST_VALUE_MAX_BYTES, else their size and a prefix
 * (src/store/list-bounds.ts), so a page of large results never leaves the server whole.
 */
const MAX = LIST_VALUE_MAX_BYTES;
const bounded = (col: string) =>
  `octet_length(${col}) AS ${col}_bytes, CASE WHEN octet_length(${col}) <= ${MAX} THEN ${col} ELSE substr(${col}, 1, ${LIST_PREVIEW_CHARS}) END AS ${col}`;
const LIST_COLUMNS = `id, name, status, trigger, started_at, ended_at, duration_ms, job_id, trace_id, owner, ${bounded('details')}, ${bounded('error')}`;

/** The WHERE clause of a run filter (listRuns and countRuns share it), with its parameters. */
function runConditions(filter: RunCountFilter & Pick<RunFilter, 'order' | 'afterId'>): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (term: (p: string) => string, value: unknown) => (params.push(value), where.push(term(`$${params.length}`)));
  if (filter.name) add((p) => `name = ${p}`, filter.name);
  if (filter.status) add((p) => `status = ${p}`, filter.status);
  if (filter.trigger) add((p) => `trigger = ${p}`, filter.trigger);
  if (filter.jobId) add((p) => `job_id = ${p}`, filter.jobId);
  if (filter.statuses?.length) add((p) => `status = ANY(${p}::text[])`, filter.statuses);
  if (filter.startedFrom !== undefined) add((p) => `id >= ${p}`, uuidv7Prefix(filter.startedFrom));
  if (filter.startedBefore !== undefined) add((p) => `id < ${p}`, uuidv7Prefix(filter.startedBefore));
  if (filter.upToId !== undefined) add((p) => `id <= ${p}`, filter.upToId);
  if (filter.excludeId !== undefined) add((p) => `id <> ${p}`, filter.excludeId);
  if (filter.afterId !== undefined) add((p) => (filter.order === 'oldest' ? `id > ${p}` : `id < ${p}`), filter.afterId);
  return { where: where.length ? 'WHERE ' + where.join(' AND ') : '', params };
}

/** Newest first unless order is 'oldest' (run ids are time-ordered); keyset paging with afterId. */
export async function listRuns(db: Db, filter: RunFilter): Promise<ListedJobRun[]> {
  const { where, params } = runConditions(filter);
  const n = params.length;
  const rows = await db.rows<ListRunRow>(
    `SELECT ${LIST_COLUMNS} FROM ns.job_runs ${where} ORDER BY id ${filter.order === 'oldest' ? 'ASC' : 'DESC'} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...params, filter.limit, filter.offset ?? 0],
  );
  return rows.map(toListedRun);
}

export async function countRuns(db: Db, filter: RunCountFilter): Promise<number> {
  const { where, params } = runConditions(filter);
  return (await db.row<{ n: number }>(`SELECT count(*) AS n FROM ns.job_runs ${where}`, params))!.n;
}

/** The newest run of a job that actually ran (skipped ticks do not count). */
export async function lastRun(db: Db, name: string): Promise<JobRun | undefined> {
  const row = await db.row<RunRow>(`SELECT * FROM ns.job_runs WHERE name = $1 AND status <> 'skipped' ORDER BY id DESC LIMIT 1`, [name]);
  return row && toJobRun(row);
}

/** Start time of the job's newest run that was not skipped (catch-up compares it with due times). */
export async function lastStartedAt(db: Db, name: string): Promise<number | undefined> {
  const row = await db.row<{ at: number | null }>(`SELECT max(started_at) AS at FROM ns.job_runs WHERE name = $1 AND status <> 'skipped'`, [name]);
  return row?.at ?? undefined;
}

/**
 * Closes scheduled runs left 'running' by owners that are gone (a crashed or killed process), and
 * runs older than their job could ever last (`maxRunMs`: past it the owner would have terminated
 * the thread), whoever owns them: an owner on another host cannot be checked, and its row must not
 * block the job for ever. Queue runs are recovered by the queue. Call inside a transaction.
 */
export async function closeAbandonedRuns(
  db: Db,
  isOwnerGone: (owner: string | null) => boolean,
  now: number,
  maxRunMs: (name: string) => number | undefined,
): Promise<number> {
  const running = await db.rows<{ id: string; name: string; owner: string | null; started_at: number }>(
    `SELECT id, name, owner, started_at FROM ns.job_runs WHERE status = 'running' AND job_id IS NULL FOR UPDATE SKIP LOCKED`,
  );
  let closed = 0;
  for (const run of running) {
    const limit = maxRunMs(run.name);
    const overdue = limit !== undefined && now - run.started_at > limit;
    if (!overdue && !isOwnerGone(run.owner)) continue;
    if (await closeRun(db, run.id, { status: 'abandoned', details: null, error: 'The process running this job stopped before it finished', now })) closed += 1;
  }
  return closed;
}
