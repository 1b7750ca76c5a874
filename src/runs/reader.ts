// ctx.runs: the run ledger's reads for job code, from a worker thread's own store. Every answer is a
// promise, whether the store answers synchronously (SQLite) or not, so job code reads the same way
// on every backend.
import type { RunStore } from '../store/types.ts';
import type { RunReader } from './types.ts';

export function runReader(runs: RunStore): RunReader {
  return {
    list: async (filter) => runs.list(filter),
    count: async (filter) => runs.count(filter),
    get: async (id) => runs.get(id),
  };
}
