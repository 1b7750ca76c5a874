import { fileURLToPath } from 'node:url';

/** The .mjs every worker thread starts from; workerData.entry names the real module. */
export const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));
