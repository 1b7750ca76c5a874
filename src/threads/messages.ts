// Messages between the main thread and job threads.
import type { LogRecord } from '../log/logger.ts';
import type { JobDetails } from '../jobs/define.ts';

export type ThreadToMain =
  | { type: 'started' }
  | { type: 'log'; record: LogRecord }
  | { type: 'result'; details: JobDetails }
  | { type: 'progress'; processed: number; total: number | null };

/** Bree's own cancel message is the string 'cancel'; we use the same word. */
export const CANCEL = 'cancel';

export function isThreadMessage(value: unknown): value is ThreadToMain {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** A logger sink that sends records to the main thread, which writes them to the one log stream. */
export function forwardLog(post: (m: ThreadToMain) => void) {
  return (record: LogRecord) => post({ type: 'log', record });
}
