import { Hono } from 'hono';
import { z } from 'zod';
import { createPreviewSession, revokePreviewSession, validatePreviewSession } from '../domain/preview-sessions.ts';
import type { DomainDeps } from './deps.ts';
import { ApiError, defineRoute, isoDateTime, notFound, serve, timestamp } from '../../index.ts';

const TAGS = ['Preview sessions'];
const tokenParam = z.object({ token: z.string().meta({ description: 'The session token' }) });

export const previewSessionsApi = {
  create: defineRoute({
    operationId: 'createPreviewSession',
    method: 'post',
    path: '/api/preview-sessions',
    summary: 'Create a preview session',
    tags: TAGS,
    access: 'admin',
    body: z.object({ expiresAt: isoDateTime }),
    bodyExample: { expiresAt: '2030-01-01T00:00:00.000Z' },
    responses: {
      201: { description: 'Created', schema: z.strictObject({ id: z.string(), token: z.string(), expiresAt: timestamp }) },
    },
  }),
  revoke: defineRoute({
    operationId: 'revokePreviewSession',
    method: 'post',
    path: '/api/preview-sessions/:token/revoke',
    summary: 'Revoke a preview session',
    tags: TAGS,
    access: 'admin',
    params: tokenParam,
    responses: { 200: { description: 'Revoked', schema: z.strictObject({ token: z.string(), revoked: z.literal(true) }) } },
    errors: { 404: ['NOT_FOUND'] },
  }),
  validate: defineRoute({
    operationId: 'validatePreviewSession',
    method: 'get',
    path: '/api/preview-sessions/:token/validate',
    summary: 'Is this preview link still good?',
    tags: TAGS,
    access: 'public',
    params: tokenParam,
    responses: {
      200: { description: 'Valid', schema: z.strictObject({ valid: z.literal(true), id: z.string(), expiresAt: timestamp }) },
    },
    errors: { 404: ['NOT_FOUND'], 410: ['EXPIRED', 'REVOKED'] },
  }),
};

const REFUSALS = {
  NOT_FOUND: new ApiError(404, 'NOT_FOUND', 'Preview session not found'),
  EXPIRED: new ApiError(410, 'EXPIRED', 'Preview session expired'),
  REVOKED: new ApiError(410, 'REVOKED', 'Preview session revoked'),
};

/** Admin routes (create, revoke); mounted behind the admin guard. */
export function previewSessionAdminRoutes(deps: DomainDeps) {
  const app = new Hono();
  serve(app, '/api/preview-sessions', previewSessionsApi.create, (_c, { body }, reply) => {
    const session = deps.write(() => createPreviewSession(deps.db, new Date(body.expiresAt)));
    return reply(201, { id: session.id, token: session.token, expiresAt: session.expiresAt });
  });
  serve(app, '/api/preview-sessions', previewSessionsApi.revoke, (_c, { params: { token } }, reply) => {
    if (!deps.write(() => revokePreviewSession(deps.db, token))) throw notFound('Preview session not found');
    return reply(200, { token, revoked: true });
  });
  return app;
}

/** Public: is this preview link still good? */
export function previewSessionPublicRoutes(deps: DomainDeps) {
  const app = new Hono();
  serve(app, '/api/preview-sessions', previewSessionsApi.validate, (_c, { params }, reply) => {
    const result = validatePreviewSession(deps.db, params.token);
    if (!result.valid) throw REFUSALS[result.reason];
    return reply(200, { valid: true, id: result.session.id, expiresAt: result.session.expiresAt });
  });
  return app;
}
