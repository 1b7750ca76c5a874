import { Hono } from 'hono';
import { z } from 'zod';
import { cacheStats, putCacheEntry } from '../../domain/i18n-cache.ts';
import type { AppDeps } from '../app.ts';
import { isoDateTime, readJson } from '../validate.ts';

const putBody = z.object({
  promptHash: z.string().min(1).max(200),
  value: z.string().max(64 * 1024),
  expiresAt: isoDateTime,
});

export function i18nCacheRoutes(deps: AppDeps) {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, putBody);
      const entry = deps.gate.write(() =>
        putCacheEntry(deps.db, { promptHash: body.promptHash, value: body.value, expiresAt: new Date(body.expiresAt) }),
      );
      return c.json({ id: entry.id, promptHash: entry.promptHash, expiresAt: entry.expiresAt }, 201);
    })
    .get('/stats', (c) => c.json(cacheStats(deps.db)));
}
