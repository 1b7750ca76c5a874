import { Hono } from 'hono';
import { z } from 'zod';
import { cacheStats, putCacheEntry } from '../domain/i18n-cache.ts';
import type { DomainDeps } from './deps.ts';
import { defineRoute, isoDateTime, serve, timestamp } from '../../index.ts';

const TAGS = ['i18n cache'];

export const i18nCacheApi = {
  put: defineRoute({
    operationId: 'putI18nCacheEntry',
    method: 'post',
    path: '/api/i18n-cache',
    summary: 'Store a cache entry (the same promptHash replaces the previous value)',
    tags: TAGS,
    access: 'admin',
    body: z.object({
      promptHash: z.string().min(1).max(200),
      value: z.string().max(64 * 1024),
      expiresAt: isoDateTime,
    }),
    bodyExample: { promptHash: 'greeting-fr', value: 'Bonjour', expiresAt: '2030-01-01T00:00:00.000Z' },
    responses: {
      201: { description: 'Stored', schema: z.strictObject({ id: z.string(), promptHash: z.string(), expiresAt: timestamp }) },
    },
  }),
  stats: defineRoute({
    operationId: 'getI18nCacheStats',
    method: 'get',
    path: '/api/i18n-cache/stats',
    summary: 'How many entries, and how many of them expired',
    tags: TAGS,
    access: 'admin',
    responses: {
      200: { description: 'Counts', schema: z.strictObject({ count: z.number().int().min(0), expired: z.number().int().min(0) }) },
    },
  }),
};

export function i18nCacheRoutes(deps: DomainDeps) {
  const app = new Hono();
  serve(app, '/api/i18n-cache', i18nCacheApi.put, (_c, { body }, reply) => {
    const entry = deps.write(() =>
      putCacheEntry(deps.db, { promptHash: body.promptHash, value: body.value, expiresAt: new Date(body.expiresAt) }),
    );
    return reply(201, { id: entry.id, promptHash: entry.promptHash, expiresAt: entry.expiresAt });
  });
  serve(app, '/api/i18n-cache', i18nCacheApi.stats, (_c, _input, reply) => reply(200, cacheStats(deps.db)));
  return app;
}
