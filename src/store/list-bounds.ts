// Lists are bounded in bytes (issue 12): a page of 500 jobs whose payloads are each at the size
// limit would otherwise be tens of megabytes, and a few concurrent pages hundreds of megabytes of
// heap. So in a list (queue jobs, runs) every value that may be large (a payload, a result, run
// details, an error log, an error message) is kept whole only while its stored JSON is at most
// LIST_VALUE_MAX_BYTES; a larger one is replaced by a ValueSummary, and the item names what was
// replaced in `truncated`. The job's (or run's) own page keeps the whole value.
//
// A backend should summarise in its list query (SQLite: octet_length() and substr(), so the
// large text never reaches JavaScript); boundListedJob/boundListedRun are the same rule applied
// to values already in memory, so an answer is bounded whatever the store did.
import type { JobRun } from '../runs/types.ts';
import type { QueueErrorEntry, QueueJob } from '../queue/types.ts';

/** Largest stored JSON (UTF-8 bytes) a list shows whole. */
export const LIST_VALUE_MAX_BYTES = 2048;
/** Characters of the stored JSON a summary keeps. */
export const LIST_PREVIEW_CHARS = 200;

/** What a list shows instead of a value whose JSON is larger than LIST_VALUE_MAX_BYTES. */
export interface ValueSummary {
  truncated: true;
  /** Size of the whole value's JSON, in UTF-8 bytes. */
  bytes: number;
  /** Its first LIST_PREVIEW_CHARS characters (not valid JSON on its own). */
  preview: string;
}

export const LISTED_JOB_FIELDS = ['payload', 'result', 'errorLog', 'lastError'] as const;
export type ListedJobField = (typeof LISTED_JOB_FIELDS)[number];
export const LISTED_RUN_FIELDS = ['details', 'error'] as const;
export type ListedRunField = (typeof LISTED_RUN_FIELDS)[number];

/** A job as a list shows it: `truncated` names the fields that were cut (absent when none was). */
export type ListedQueueJob = QueueJob & { truncated?: ListedJobField[] };
export type ListedJobRun = JobRun & { truncated?: ListedRunField[] };

export function summaryOf(bytes: number, preview: string): ValueSummary {
  return { truncated: true, bytes, preview: preview.slice(0, LIST_PREVIEW_CHARS) };
}

/** A cut error message: its first LIST_PREVIEW_CHARS characters and how long the whole was. */
export function cutMessage(text: string, bytes: number): string {
  return `${text.slice(0, LIST_PREVIEW_CHARS)}… (${bytes} bytes; whole on the item's own page)`;
}

/** The newest error entry with its message cut: what a list shows of an error log too large to show whole. */
export function cutErrorLog(newest: QueueErrorEntry | undefined, messageBytes: number): QueueErrorEntry[] {
  if (!newest) return [];
  const shown = newest.message.slice(0, LIST_PREVIEW_CHARS);
  const message = utf8Bytes(shown) < messageBytes ? cutMessage(shown, messageBytes) : shown;
  return [{ at: newest.at, attempt: newest.attempt, message }];
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

function jsonBytes(value: unknown): { text: string; bytes: number } {
  const text = JSON.stringify(value) ?? 'null';
  return { text, bytes: utf8Bytes(text) };
}

const isSummary = (v: unknown): v is ValueSummary =>
  typeof v === 'object' && v !== null && (v as ValueSummary).truncated === true && typeof (v as ValueSummary).bytes === 'number';

/** The list rule on a job already in memory (a no-op for one a store has already bounded). */
export function boundListedJob(job: ListedQueueJob): ListedQueueJob {
  const cut = new Set<ListedJobField>(job.truncated ?? []);
  const out: ListedQueueJob = { ...job };
  for (const field of ['payload', 'result'] as const) {
    if (cut.has(field) && isSummary(job[field])) continue;
    const { text, bytes } = jsonBytes(job[field]);
    if (bytes > LIST_VALUE_MAX_BYTES) (out[field] = summaryOf(bytes, text), cut.add(field));
  }
  const log = jsonBytes(job.errorLog);
  if (log.bytes > LIST_VALUE_MAX_BYTES) {
    const newest = job.errorLog.at(-1);
    out.errorLog = cutErrorLog(newest, newest ? utf8Bytes(newest.message) : 0);
    cut.add('errorLog');
  }
  if (job.lastError !== null && utf8Bytes(job.lastError) > LIST_VALUE_MAX_BYTES) {
    out.lastError = cutMessage(job.lastError, utf8Bytes(job.lastError));
    cut.add('lastError');
  }
  if (cut.size) out.truncated = LISTED_JOB_FIELDS.filter((f) => cut.has(f));
  return out;
}

export function boundListedRun(run: ListedJobRun): ListedJobRun {
  const cut = new Set<ListedRunField>(run.truncated ?? []);
  const out: ListedJobRun = { ...run };
  if (!(cut.has('details') && isSummary(run.details))) {
    const { text, bytes } = jsonBytes(run.details);
    if (bytes > LIST_VALUE_MAX_BYTES) (out.details = { ...summaryOf(bytes, text) }, cut.add('details'));
  }
  if (run.error !== null && utf8Bytes(run.error) > LIST_VALUE_MAX_BYTES && !cut.has('error')) {
    out.error = cutMessage(run.error, utf8Bytes(run.error));
    cut.add('error');
  }
  if (cut.size) out.truncated = LISTED_RUN_FIELDS.filter((f) => cut.has(f));
  return out;
}
