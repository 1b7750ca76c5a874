// Bootstrap for every worker thread Nightshift starts (Bree job runs and queue workers).
//
// Node 20 worker threads do not inherit tsx's loader from the parent (`execArgv: ['--import', 'tsx']`
// still fails with ERR_UNKNOWN_FILE_EXTENSION on a .ts file), so this plain .mjs registers tsx inside
// the thread and then imports the TypeScript module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

if (!workerData?.entry) throw new Error('worker-entry.mjs needs workerData.entry');
if (/\.[cm]?tsx?$/.test(workerData.entry)) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(pathToFileURL(workerData.entry).href);
