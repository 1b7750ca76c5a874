// ctx.runs: the run ledger's reads for job code, from a worker thread's own store. Every answer is a
// promise, whether the store answers synchronously (SQLite) or not, so job code reads the same way
// on every backend.
import type { RunStore } from '../store/types.ts';
import type { RunReader } from './types.ts';

export function runReader(runs: RunStore): RunReader {
  return {
    // Store listings summarise large details and errors (list-bounds.ts: bounded API answers);
    // job code gets the whole run, so those few rows are read again by id.
    list: async (filter) => {
      const page = await runs.list(filter);
      return Promise.all(page.map(async (run) => (run.truncated ? ((await runs.get(run.id)) ?? run) : run)));
    },
    count: async (filter) => runs.count(filter),
    get: async (id) => runs.get(id),
  };
}
