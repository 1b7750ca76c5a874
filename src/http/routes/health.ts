import { Hono } from 'hono';
import { storageFaultsOf } from '../../store/storage-faults.ts';
import type { AppDeps } from '../deps.ts';
import { defineRoute, serve } from '../openapi/define.ts';
import { health } from './shapes.ts';

export const healthApi = {
  health: defineRoute({
    operationId: 'getHealth',
    method: 'get',
    path: '/api/health',
    summary: 'Is the database answering, and what is the scheduler doing',
    tags: ['Health'],
    access: 'public',
    responses: {
      200: { description: 'Healthy', schema: health },
      503: { description: 'Status "degraded": the database is not answering, or cannot be written because its disk is full (database.writable false, database.writeError says why)', schema: health },
    },
  }),
};

/** Public: is the database answering and what is the scheduler doing. */
export function healthRoutes(deps: AppDeps) {
  const startedAt = Date.now();
  const app = new Hono();
  serve(app, '/api', healthApi.health, async (_c, _input, reply) => {
    let database: { ok: boolean; schemaVersion?: number; error?: string };
    try {
      const health = await deps.store.health();
      database = health.ok ? { ok: true, schemaVersion: health.schemaVersion } : { ok: false, error: 'Database is not answering' };
    } catch {
      database = { ok: false, error: 'Database is not answering' };
    }
    // Writes failing for lack of space (the store records it; recheck() retries a probe write).
    const fault = database.ok ? storageFaultsOf(deps.store).recheck() : undefined;
    const writable = database.ok && !fault;
    const s = deps.scheduler;
    const body = {
      status: writable ? ('ok' as const) : ('degraded' as const),
      uptimeMs: Date.now() - startedAt,
      database: {
        ...database,
        writable,
        ...(fault ? { writeError: { code: fault.code, error: fault.message, since: new Date(fault.since).toISOString() } } : {}),
      },
      scheduler: { enabled: s.enabled, running: s.currentRole === 'leader', role: s.currentRole },
    };
    return reply(writable ? 200 : 503, body);
  });
  return app;
}
