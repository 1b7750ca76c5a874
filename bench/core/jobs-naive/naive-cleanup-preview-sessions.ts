// Bench-only job: the NAIVE cleanup the issue warns about. Same DELETE statements as the real
// cleanupPreviewSessions (src/app/domain/preview-sessions.ts), fixed batches of 5000 run back to back in
// one synchronous loop: no ctx.yieldToWriters(), no pause, no event-loop turn between batches.
import { defineJob } from '../../../src/jobs/define.ts';
import { previewCleanupStatements } from '../../../src/app/domain/preview-sessions.ts';

const BATCH = 5_000;

export default defineJob({
  name: 'naiveCleanupPreviewSessions',
  description: 'Bench only: naive back-to-back batch delete of expired/revoked preview sessions',
  schedule: '0 0 1 1 *',
  timeoutMs: 10 * 60_000,
  run(ctx) {
    const statements = previewCleanupStatements(ctx.db);
    const now = Date.now();
    let expiredCount = 0;
    let revokedCount = 0;
    let batches = 0;
    for (;;) {
      const { changes } = statements.expired.run(now, BATCH);
      expiredCount += changes;
      batches++;
      if (changes < BATCH) break;
    }
    for (;;) {
      const { changes } = statements.revoked.run(BATCH);
      revokedCount += changes;
      batches++;
      if (changes < BATCH) break;
    }
    return { expiredCount, revokedCount, batches };
  },
});
