// Seed 004's domain job: reads one row of the `requests` table and logs it with the tenant context
// of the envelope. A missing row (or one of another tenant) fails at once: retrying cannot fix it.
import { z } from 'zod';
import { defineJob, NonRetryableError } from '../src/job.ts';

interface RequestRow {
  id: string;
  tenant_id: string;
  title: string;
  remind_at: number | null;
}

export default defineJob({
  name: 'requests.reminder',
  description: 'Send the reminder for one request',
  timeoutMs: 60_000,
  payload: z.object({ requestId: z.string().min(1).max(200) }),
  run(ctx) {
    const { requestId } = ctx.payload;
    const row = ctx.db.prepare(`SELECT id, tenant_id, title, remind_at FROM requests WHERE id = ?`).get(requestId) as RequestRow | undefined;
    if (!row) throw new NonRetryableError(`Request "${requestId}" not found`);
    const tenantId = ctx.envelope.tenantId;
    // Tenant isolation: a job enqueued for one tenant never acts on another tenant's data.
    if (tenantId && tenantId !== row.tenant_id) throw new NonRetryableError(`Request "${requestId}" does not belong to tenant "${tenantId}"`);
    ctx.logger.info('requests.reminder executed', {
      requestId,
      tenantId: row.tenant_id,
      actorId: ctx.envelope.actorId,
      envelopeRequestId: ctx.envelope.requestId,
      title: row.title,
    });
    return { requestId, tenantId: row.tenant_id, title: row.title, remindAt: row.remind_at === null ? null : new Date(row.remind_at).toISOString() };
  },
});
