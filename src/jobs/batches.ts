// Polite bulk deletes for cleanup jobs: small batches, sized to a time budget, stepping aside for
// API writers between batches and yielding to the event loop so cancel messages get through.
import type { JobContext } from './define.ts';

/**
 * Deletes at most `limit` rows and returns how many it deleted (e.g. better-sqlite3:
 * `(limit) => statement.run(cutoff, limit).changes`; a promise is fine too).
 */
export type DeleteBatch = (limit: number) => number | Promise<number>;

export interface BatchOptions {
  /** Aim for batches that hold the write lock about this long (the worst wait an API write sees). */
  targetBatchMs?: number;
  initialBatchSize?: number;
  minBatchSize?: number;
  maxBatchSize?: number;
  /** Extra pause between batches, for writers in other processes the write gate cannot see. */
  pauseMs?: number;
}

export interface BatchStats {
  deleted: number;
  batches: number;
  yieldedMs: number;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `deleteBatch` until it deletes fewer rows than asked. Each batch is its own transaction, so
 * the lock is never held for long.
 */
export async function deleteInBatches(
  ctx: Pick<JobContext, 'signal' | 'yieldToWriters'>,
  deleteBatch: DeleteBatch,
  options: BatchOptions = {},
): Promise<BatchStats> {
  const target = options.targetBatchMs ?? 2;
  const min = options.minBatchSize ?? 100;
  const max = options.maxBatchSize ?? 20_000;
  let size = options.initialBatchSize ?? 500;
  const stats: BatchStats = { deleted: 0, batches: 0, yieldedMs: 0 };
  for (;;) {
    ctx.signal.throwIfAborted();
    const before = performance.now();
    ctx.yieldToWriters();
    const started = performance.now();
    stats.yieldedMs += started - before;
    const changes = await deleteBatch(size);
    const took = performance.now() - started;
    stats.deleted += changes;
    stats.batches += 1;
    if (changes < size) return stats;
    // Move halfway toward the size that would take `target` ms; halving damps checkpoint spikes.
    const ideal = (size * target) / Math.max(took, 0.05);
    size = Math.round(Math.min(max, Math.max(min, (size + ideal) / 2)));
    if (options.pauseMs) await sleep(options.pauseMs);
    else await nextTick();
  }
}
