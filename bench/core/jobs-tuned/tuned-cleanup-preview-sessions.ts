// Bench-only job for `run-all.ts --diagnose`: the real cleanup (same statements, same
// deleteInBatches from src/jobs/batches.ts, write gate included) with batch options taken from the
// environment, to measure what a different time budget per batch would change:
//   BENCH_TARGET_BATCH_MS (default 2, as shipped), BENCH_MAX_BATCH (20000), BENCH_PAUSE_MS (0).
import { defineJob } from '../../../src/jobs/define.ts';
import { deleteInBatches } from '../../../src/jobs/batches.ts';
import { previewCleanupStatements } from '../../../src/app/domain/preview-sessions.ts';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== undefined && process.env[name] !== '' ? v : fallback;
};

export default defineJob({
  name: 'tunedCleanupPreviewSessions',
  description: 'Bench only: cleanupPreviewSessions with batch options from BENCH_* environment variables',
  schedule: '0 0 1 1 *',
  timeoutMs: 10 * 60_000,
  async run(ctx) {
    const options = {
      targetBatchMs: num('BENCH_TARGET_BATCH_MS', 2),
      maxBatchSize: num('BENCH_MAX_BATCH', 20_000),
      pauseMs: num('BENCH_PAUSE_MS', 0) || undefined,
    };
    const statements = previewCleanupStatements(ctx.db);
    const now = Date.now();
    const expired = await deleteInBatches(ctx, (limit) => statements.expired.run(now, limit).changes, options);
    const revoked = await deleteInBatches(ctx, (limit) => statements.revoked.run(limit).changes, options);
    return {
      expiredCount: expired.deleted,
      revokedCount: revoked.deleted,
      batches: expired.batches + revoked.batches,
      yieldedMs: Math.round(expired.yieldedMs + revoked.yieldedMs),
      options,
    };
  },
});
