import { Hono } from 'hono';
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
      503: { description: 'The database is not answering (status "degraded")', schema: health },
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
    const s = deps.scheduler;
    const body = {
      status: database.ok ? ('ok' as const) : ('degraded' as const),
      uptimeMs: Date.now() - startedAt,
      database,
      scheduler: { enabled: s.enabled, running: s.currentRole === 'leader', role: s.currentRole },
    };
    return reply(database.ok ? 200 : 503, body);
  });
  return app;
}
