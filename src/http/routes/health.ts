import { Hono } from 'hono';
import { schemaVersion } from '../../db/migrate.ts';
import type { AppDeps } from '../app.ts';

/** Public: is the database answering and what is the scheduler doing. */
export function healthRoutes(deps: AppDeps) {
  const startedAt = Date.now();
  return new Hono().get('/health', (c) => {
    let database: { ok: boolean; schemaVersion?: number; error?: string };
    try {
      database = { ok: true, schemaVersion: schemaVersion(deps.db) };
    } catch {
      database = { ok: false, error: 'Database is not answering' };
    }
    const s = deps.scheduler;
    const body = {
      status: database.ok ? 'ok' : 'degraded',
      uptimeMs: Date.now() - startedAt,
      database,
      scheduler: { enabled: s.enabled, running: s.currentRole === 'leader', role: s.currentRole },
    };
    return c.json(body, database.ok ? 200 : 503);
  });
}
