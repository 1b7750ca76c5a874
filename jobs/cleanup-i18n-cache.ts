// Deletes i18n/AI cache entries that are expired or older than 30 days. Idempotent and batched.
import { defineJob, deleteInBatches } from '../src/job.ts';
import { cacheCleanupStatement } from '../src/app/domain/i18n-cache.ts';

export const MAX_AGE_DAYS = 30;

export default defineJob({
  name: 'cleanupI18nCache',
  description: 'Cleanup old i18n cache entries',
  schedule: '0 3 * * *',
  timeoutMs: 10 * 60_000,
  async run(ctx) {
    const now = Date.now();
    const cutoff = now - MAX_AGE_DAYS * 24 * 60 * 60_000;
    const statement = cacheCleanupStatement(ctx.db);
    const stats = await deleteInBatches(ctx, (limit) => statement.run(now, cutoff, limit).changes);
    ctx.logger.info('i18n cache cleaned', { cleanedCount: stats.deleted });
    return { cleanedCount: stats.deleted, batches: stats.batches };
  },
});
