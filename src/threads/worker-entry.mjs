// Bootstrap for every worker thread Nightshift starts (Bree job runs and queue workers).
//
// Node 20 worker threads do not inherit tsx's loader from the parent (`execArgv: ['--import', 'tsx']`
// still fails with ERR_UNKNOWN_FILE_EXTENSION on a .ts file), so when workerData.entry is TypeScript
// (Nightshift running from src/) this plain .mjs registers tsx inside the thread before importing it.
// Compiled from dist/, the entry is .js and the thread starts without tsx (~40 ms instead of ~180 ms);
// a .ts job file then gets tsx from loadJobFile (src/jobs/load.ts), only in threads that import one.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

if (!workerData?.entry) throw new Error('worker-entry.mjs needs workerData.entry');

// Background work yields the CPU to the API thread: on a 2-core host a CPU-bound job would otherwise
// compete with request handling as an equal. On Linux nice values are per thread, so this lowers
// only this thread (/proc/thread-self names its thread id). Elsewhere it is skipped.
const NICE = workerData.nice ?? 10;
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0 && NICE !== 0) setPriority(tid, NICE);
} catch {
  /* not Linux, or not permitted: run at normal priority */
}
// Imported lazily: a compiled host with plain-JS job files never loads tsx at all.
if (/\.[cm]?tsx?$/.test(workerData.entry)) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(pathToFileURL(workerData.entry).href);
