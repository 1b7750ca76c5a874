// Exports the run history (nightshift_job_runs) to CSV under <database dir>/exports/ (data/exports/ by
// default); its result names the file relative to the database's folder ("exports/....csv"). A long job done politely: chunks of `chunkSize` rows, progress after each chunk, a stop
// between chunks when cancelled (the partial file is removed), and the file only appears, under its
// final name, once complete.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob, RUN_STATUSES } from '../src/job.ts';
import type { RunRow } from '../src/store/run-rows.ts';

const COLUMNS = ['id', 'name', 'status', 'trigger', 'started_at', 'ended_at', 'duration_ms', 'job_id', 'trace_id', 'error', 'details'] as const;

/** A nightshift_job_runs row with its rowid, which the export pages by. */
type Row = RunRow & { rowid: number };

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

export function csvLine(row: Row): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const values = { ...row, started_at: iso(row.started_at), ended_at: iso(row.ended_at) };
  return COLUMNS.map((c) => csvField(values[c])).join(',') + '\n';
}

/** Where exports go: next to the database file (data/nightshift.db -> data/exports/). */
export function exportDir(databasePath: string): string {
  return join(dirname(resolve(databasePath)), 'exports');
}

export default defineJob({
  name: 'exportRuns',
  description: 'Export run history (nightshift_job_runs) to CSV under data/exports',
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
    const where = ['rowid <= @maxRowid', 'rowid > @after', 'id != @self'];
    if (name) where.push('name = @name');
    if (status) where.push('status = @status');
    if (since) where.push('started_at >= @since');
    const params = { name: name ?? null, status: status ?? null, since: since ? Date.parse(since) : null, self: ctx.runId };
    // A fixed snapshot: rows added while exporting are left for the next export.
    const { maxRowid } = ctx.db.prepare(`SELECT coalesce(max(rowid), 0) AS maxRowid FROM nightshift_job_runs`).get() as { maxRowid: number };
    const countWhere = where.filter((w) => !w.startsWith('rowid > '));
    const { total } = ctx.db.prepare(`SELECT count(*) AS total FROM nightshift_job_runs WHERE ${countWhere.join(' AND ')}`).get({ ...params, maxRowid }) as { total: number };
    const chunk = ctx.db.prepare(`SELECT rowid, ${COLUMNS.join(', ')} FROM nightshift_job_runs WHERE ${where.join(' AND ')} ORDER BY rowid LIMIT @limit`);

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
      for (let after = 0; ; ) {
        ctx.signal.throwIfAborted();
        const batch = chunk.all({ ...params, maxRowid, after, limit: chunkSize }) as Row[];
        if (batch.length === 0) break;
        bytes += writeSync(fd, batch.map(csvLine).join(''));
        rows += batch.length;
        after = batch[batch.length - 1]!.rowid;
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
