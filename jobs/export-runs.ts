// Exports the run history to CSV under <database dir>/exports/ (data/exports/ by default); its
// result names the file relative to the database's folder ("exports/....csv"). It reads the ledger
// through ctx.runs (no SQL), so it runs unchanged on any store. A long job done politely: chunks of
// `chunkSize` runs, progress after each chunk, a stop between chunks when cancelled (the partial
// file is removed), and the file only appears, under its final name, once complete.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob, RUN_STATUSES, type JobRun, type RunFilter } from '../src/job.ts';

const COLUMNS = ['id', 'name', 'status', 'trigger', 'started_at', 'ended_at', 'duration_ms', 'job_id', 'trace_id', 'error', 'details'] as const;

/**
 * RFC 4180: quote fields with a comma, quote or line break; double the quotes inside. A cell that a
 * spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return: OWASP's
 * list) gets a leading apostrophe first, so user text in an error message stays text.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One run as a CSV line: the ledger's columns, times in ISO 8601, details as their JSON text. */
export function csvLine(run: JobRun): string {
  const values: Record<(typeof COLUMNS)[number], unknown> = {
    id: run.id, name: run.name, status: run.status, trigger: run.trigger, started_at: run.startedAt, ended_at: run.endedAt,
    duration_ms: run.durationMs, job_id: run.jobId, trace_id: run.traceId, error: run.error,
    details: run.details === null ? null : JSON.stringify(run.details),
  };
  return COLUMNS.map((c) => csvField(values[c])).join(',') + '\n';
}

/** Where exports go: next to the database file (data/nightshift.db -> data/exports/). */
export function exportDir(databasePath: string): string {
  return join(dirname(resolve(databasePath)), 'exports');
}

export default defineJob({
  name: 'exportRuns',
  description: 'Export run history to CSV under data/exports',
  timeoutMs: 30 * 60_000,
  payload: z
    .object({
      name: z.string().min(1).max(100).optional(),
      status: z.enum(RUN_STATUSES).optional(),
      since: z.iso.datetime({ offset: true }).optional(),
      chunkSize: z.number().int().min(10).max(10_000).default(1_000),
      /** Pause between chunks, to leave the disk to other work (0: just yield). */
      pauseMs: z.number().int().min(0).max(5_000).default(0),
    })
    .prefault({}),
  async run(ctx) {
    const { name, status, since, chunkSize, pauseMs } = ctx.payload;
    // Its own run (still 'running') is not part of the history it exports.
    const filter: Omit<RunFilter, 'limit'> = { name, status, startedFrom: since ? Date.parse(since) : undefined, excludeId: ctx.runId };
    // A fixed snapshot, up to the newest run now: runs that start while exporting are left for the next export.
    const [newest] = await ctx.runs.list({ excludeId: ctx.runId, limit: 1 });
    const snapshot = { ...filter, upToId: newest?.id };
    const total = newest ? await ctx.runs.count(snapshot) : 0;

    const dir = exportDir(ctx.db.name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `job-runs-${new Date().toISOString().replace(/[:.]/g, '-')}-${ctx.runId.slice(-12)}.csv`);
    const partial = `${file}.partial`;
    const fd = openSync(partial, 'w');
    let rows = 0;
    let bytes = 0;
    try {
      bytes += writeSync(fd, COLUMNS.join(',') + '\n');
      ctx.progress(0, total);
      // Oldest first, a page at a time from the last run written (a keyset: runs pruned meanwhile shift nothing).
      for (let afterId: string | undefined; newest; ) {
        ctx.signal.throwIfAborted();
        const batch = await ctx.runs.list({ ...snapshot, order: 'oldest', afterId, limit: chunkSize });
        if (batch.length === 0) break;
        bytes += writeSync(fd, batch.map(csvLine).join(''));
        rows += batch.length;
        afterId = batch[batch.length - 1]!.id;
        ctx.progress(rows, total);
        // Yield even without a pause, so a cancel message reaches this thread between chunks.
        await sleep(pauseMs, undefined, { signal: ctx.signal });
      }
      closeSync(fd);
      renameSync(partial, file);
    } catch (err) {
      closeSync(fd);
      rmSync(partial, { force: true });
      throw err;
    }
    // The result is shown to API and dashboard users: the file relative to the database's folder
    // (data/ by default), never the server's absolute path.
    const relativeFile = relative(dirname(resolve(ctx.db.name)), file);
    ctx.logger.info('Run history exported', { file: relativeFile, rows, bytes });
    return { file: relativeFile, rows, bytes };
  },
});
