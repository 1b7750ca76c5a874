// Deletes preview sessions that are expired (expiresAt < now) or revoked. Idempotent: a second run
// finds nothing. Deletes in small time-boxed batches that step aside for API writers.
import { defineJob, deleteInBatches } from '../src/job.ts';
import { previewCleanupStatements } from '../src/app/domain/preview-sessions.ts';

export default defineJob({
  name: 'cleanupPreviewSessions',
  description: 'Cleanup expired preview sessions',
  schedule: '0 */6 * * *',
  timeoutMs: 10 * 60_000,
  async run(ctx) {
    const statements = previewCleanupStatements(ctx.db);
    const now = Date.now();
    const expired = await deleteInBatches(ctx, (limit) => statements.expired.run(now, limit).changes);
    const revoked = await deleteInBatches(ctx, (limit) => statements.revoked.run(limit).changes);
    ctx.logger.info('Preview sessions cleaned', { expiredCount: expired.deleted, revokedCount: revoked.deleted });
    return {
      expiredCount: expired.deleted,
      revokedCount: revoked.deleted,
      batches: expired.batches + revoked.batches,
      yieldedMs: Math.round(expired.yieldedMs + revoked.yieldedMs),
    };
  },
});
