import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The .mjs every worker thread starts from; workerData.entry names the real module. */
export const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

// '.ts' when Nightshift runs from its sources (through tsx), '.js' when it runs compiled from dist/.
// Thread modules are started by path, and tsc rewrites import specifiers, not paths built from
// strings, so those paths take their extension from this file's own.
const OWN_EXTENSION = extname(fileURLToPath(import.meta.url));

/** Absolute path of a thread module next to `base` (an import.meta.url), e.g. threadModule('./job-thread', import.meta.url). */
export function threadModule(name: string, base: string): string {
  return fileURLToPath(new URL(name + OWN_EXTENSION, base));
}
