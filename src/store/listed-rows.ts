// A list row, as every backend's list query selects it (sizes, and large values cut in SQL), turned
// into the bounded API shape (list-bounds.ts). The SQL differs per backend; this mapping does not.
import { toJobRun, type RunRow } from './run-rows.ts';
import { toQueueJob, type JobRow } from './job-rows.ts';
import { LIST_VALUE_MAX_BYTES, cutErrorLog, cutMessage, summaryOf, type ListedJobField, type ListedJobRun, type ListedQueueJob, type ListedRunField } from './list-bounds.ts';

const big = (bytes: number | null) => bytes !== null && bytes > LIST_VALUE_MAX_BYTES;

/** A queue job's list row: each large column's size, and the newest error entry when the log is cut. */
export interface ListJobRow extends Omit<JobRow, 'error_log'> {
  payload_bytes: number | null;
  result_bytes: number | null;
  last_error_bytes: number | null;
  /** null: too large to list whole (the newest_* columns carry its newest entry). */
  error_log: string | null;
  error_log_bytes: number;
  newest_at: string | null;
  newest_attempt: number | null;
  newest_message_bytes: number | null;
  newest_message: string | null;
}

export function toListedJob(row: ListJobRow): ListedQueueJob {
  const cut: ListedJobField[] = [];
  const job: ListedQueueJob = toQueueJob({
    ...row,
    payload: big(row.payload_bytes) ? null : row.payload,
    result: big(row.result_bytes) ? null : row.result,
    last_error: big(row.last_error_bytes) ? null : row.last_error,
    error_log: row.error_log ?? '[]',
  });
  if (big(row.payload_bytes)) (job.payload = summaryOf(row.payload_bytes!, row.payload ?? ''), cut.push('payload'));
  if (big(row.result_bytes)) (job.result = summaryOf(row.result_bytes!, row.result ?? ''), cut.push('result'));
  if (row.error_log === null) {
    const newest = row.newest_at === null ? undefined : { at: row.newest_at, attempt: row.newest_attempt ?? 0, message: row.newest_message ?? '' };
    job.errorLog = cutErrorLog(newest, row.newest_message_bytes ?? 0);
    cut.push('errorLog');
  }
  if (big(row.last_error_bytes)) (job.lastError = cutMessage(row.last_error ?? '', row.last_error_bytes!), cut.push('lastError'));
  if (cut.length) job.truncated = cut;
  return job;
}

/** A run's list row: the sizes of details and error, each cut in SQL when large. */
export type ListRunRow = RunRow & { details_bytes: number | null; error_bytes: number | null };

export function toListedRun(row: ListRunRow): ListedJobRun {
  const run: ListedJobRun = toJobRun({ ...row, details: big(row.details_bytes) ? null : row.details, error: big(row.error_bytes) ? null : row.error });
  const cut: ListedRunField[] = [];
  if (big(row.details_bytes)) (run.details = { ...summaryOf(row.details_bytes!, row.details ?? '') }, cut.push('details'));
  if (big(row.error_bytes)) (run.error = cutMessage(row.error ?? '', row.error_bytes!), cut.push('error'));
  if (cut.length) run.truncated = cut;
  return run;
}
