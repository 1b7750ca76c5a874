// The run ledger's SQL on SQLite: every run, scheduled, manual, catch-up or queued, is one row of
// nightshift_job_runs (the queue writes the same rows in batches: queue-runs.ts). Run ids are
// UUIDv7 made from started_at, so id order is start order: "newest first" is id DESC, on the
// primary key.
import { uuidv7, uuidv7Prefix } from '../../../core/ids.ts';
import type { Db } from '../open.ts';
import type { FinalStatus, JobRun, RunCountFilter, RunFilter, RunStatus } from '../../../runs/types.ts';
import { toJobRun, type RunRow } from '../../run-rows.ts';
import { LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES, type ListedJobRun } from '../../list-bounds.ts';
import { toListedRun, type ListRunRow } from '../../listed-rows.ts';
import type { FinishRunInput, StartRunInput, StartRunResult } from '../../types.ts';

export type { FinalStatus };


/**
 * Opens a 'running' row unless the job already has one (no overlapping runs, across processes:
 * the check and the insert share one IMMEDIATE transaction).
 */
export function startRun(db: Db, input: StartRunInput): StartRunResult {
  return db
    .transaction((): StartRunResult => {
      const running = db
        .prepare(`SELECT id FROM nightshift_job_runs WHERE name = ? AND status = 'running' LIMIT 1`)
        .get(input.name) as { id: string } | undefined;
      if (running) return { started: false, runningRunId: running.id };
      const runId = insertRun(db, { ...input, status: 'running' });
      return { started: true, runId };
    })
    .immediate();
}

/** Opens a running row without the overlap check (queue jobs: their own claim is the guard). */
export function openRun(db: Db, input: StartRunInput): string {
  return insertRun(db, { ...input, status: 'running' });
}

function insertRun(db: Db, input: StartRunInput & { status: RunStatus; error?: string }): string {
  const now = input.now ?? Date.now();
  const id = uuidv7(now);
  const ended = input.status === 'running' ? null : now;
  db.prepare(
    `INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, error, owner, job_id, trace_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(id, input.name, input.status, input.trigger, now, ended, ended === null ? null : 0, input.error ?? null,
    input.owner, input.jobId ?? null, input.traceId ?? null);
  return id;
}

/** A tick that found the job still running: recorded, not silently dropped. */
export function recordSkipped(db: Db, input: StartRunInput & { reason: string }): string {
  return insertRun(db, { ...input, status: 'skipped', error: input.reason });
}


/** Closes a running row. Returns false when it was already closed (first writer wins). */
export function finishRun(db: Db, runId: string, input: FinishRunInput): boolean {
  const now = input.now ?? Date.now();
  const result = db
    .prepare(
      `UPDATE nightshift_job_runs SET status = ?, ended_at = ?, duration_ms = MAX(0, ? - started_at), details = ?, error = ?
       WHERE id = ? AND status = 'running'`,
    )
    .run(input.status, now, now, input.details ? JSON.stringify(input.details) : null, input.error ?? null, runId);
  return result.changes === 1;
}

export function getRun(db: Db, runId: string): JobRun | undefined {
  const row = db.prepare(`SELECT * FROM nightshift_job_runs WHERE id = ?`).get(runId) as RunRow | undefined;
  return row && toJobRun(row);
}


/**
 * A list row: details and error whole up to LIST_VALUE_MAX_BYTES, else their size and a prefix
 * (src/store/list-bounds.ts), so a page of large results never brings them into JavaScript.
 */
const MAX = LIST_VALUE_MAX_BYTES;
const bounded = (col: string) =>
  `octet_length(${col}) AS ${col}_bytes, CASE WHEN octet_length(${col}) <= ${MAX} THEN ${col} ELSE substr(${col}, 1, ${LIST_PREVIEW_CHARS}) END AS ${col}`;
const LIST_COLUMNS = `id, name, status, trigger, started_at, ended_at, duration_ms, job_id, trace_id, owner, ${bounded('details')}, ${bounded('error')}`;

/** The WHERE clause of a run filter (listRuns and countRuns share it). */
function runConditions(filter: RunCountFilter & Pick<RunFilter, 'order' | 'afterId'>): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.name) (where.push('name = ?'), params.push(filter.name));
  if (filter.status) (where.push('status = ?'), params.push(filter.status));
  if (filter.trigger) (where.push('trigger = ?'), params.push(filter.trigger));
  if (filter.jobId) (where.push('job_id = ?'), params.push(filter.jobId));
  if (filter.statuses?.length) {
    where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
    params.push(...filter.statuses);
  }
  if (filter.startedFrom !== undefined) (where.push('id >= ?'), params.push(uuidv7Prefix(filter.startedFrom)));
  if (filter.startedBefore !== undefined) (where.push('id < ?'), params.push(uuidv7Prefix(filter.startedBefore)));
  if (filter.upToId !== undefined) (where.push('id <= ?'), params.push(filter.upToId));
  if (filter.excludeId !== undefined) (where.push('id != ?'), params.push(filter.excludeId));
  if (filter.afterId !== undefined) (where.push(filter.order === 'oldest' ? 'id > ?' : 'id < ?'), params.push(filter.afterId));
  return { where: where.length ? 'WHERE ' + where.join(' AND ') : '', params };
}

export function listRuns(db: Db, filter: RunFilter): ListedJobRun[] {
  const { where, params } = runConditions(filter);
  const sql = `SELECT ${LIST_COLUMNS} FROM nightshift_job_runs ${where} ORDER BY id ${filter.order === 'oldest' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`;
  const rows = db.prepare(sql).all(...params, filter.limit, filter.offset ?? 0) as ListRunRow[];
  return rows.map(toListedRun);
}

export function countRuns(db: Db, filter: RunCountFilter): number {
  const { where, params } = runConditions(filter);
  return (db.prepare(`SELECT count(*) AS n FROM nightshift_job_runs ${where}`).get(...params) as { n: number }).n;
}

/** The newest run of a job that actually ran (skipped ticks do not count). */
export function lastRun(db: Db, name: string): JobRun | undefined {
  const row = db
    .prepare(`SELECT * FROM nightshift_job_runs WHERE name = ? AND status != 'skipped' ORDER BY id DESC LIMIT 1`)
    .get(name) as RunRow | undefined;
  return row && toJobRun(row);
}

export function runningRuns(db: Db): { id: string; name: string; owner: string | null; job_id: string | null; started_at: number }[] {
  return db.prepare(`SELECT id, name, owner, job_id, started_at FROM nightshift_job_runs WHERE status = 'running'`).all() as never;
}

/**
 * Closes scheduled runs left 'running' by owners that are gone (a crashed or killed process), and
 * runs older than their job could ever last (`maxRunMs`: past it the owner would have terminated
 * the thread), whoever owns them: an owner on another host (a recreated container) cannot be
 * checked, and its row must not block the job for ever. Queue runs are recovered by the queue.
 */
export function closeAbandonedRuns(
  db: Db,
  isOwnerGone: (owner: string | null) => boolean,
  now = Date.now(),
  maxRunMs: (name: string) => number | undefined = () => undefined,
): number {
  let closed = 0;
  db.transaction(() => {
    for (const run of runningRuns(db)) {
      if (run.job_id !== null) continue;
      const limit = maxRunMs(run.name);
      const overdue = limit !== undefined && now - run.started_at > limit;
      if (!overdue && !isOwnerGone(run.owner)) continue;
      if (finishRun(db, run.id, { status: 'abandoned', error: 'The process running this job stopped before it finished', now })) {
        closed += 1;
      }
    }
  }).immediate();
  return closed;
}

/** Start time of the job's newest run that was not skipped (catch-up compares it with due times). */
export function lastStartedAt(db: Db, name: string): number | undefined {
  const row = db.prepare(`SELECT MAX(started_at) AS at FROM nightshift_job_runs WHERE name = ? AND status != 'skipped'`).get(name) as { at: number | null };
  return row.at ?? undefined;
}
