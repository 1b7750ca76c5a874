import { Hono } from 'hono';
import { z } from 'zod';
import { createPreviewSession, revokePreviewSession, validatePreviewSession } from '../../domain/preview-sessions.ts';
import type { AppDeps } from '../app.ts';
import { ApiError, notFound } from '../errors.ts';
import { isoDateTime, readJson } from '../validate.ts';

const createBody = z.object({ expiresAt: isoDateTime });

const REFUSALS = {
  NOT_FOUND: new ApiError(404, 'NOT_FOUND', 'Preview session not found'),
  EXPIRED: new ApiError(410, 'EXPIRED', 'Preview session expired'),
  REVOKED: new ApiError(410, 'REVOKED', 'Preview session revoked'),
};

/** Admin routes (create, revoke); mounted behind the admin guard. */
export function previewSessionAdminRoutes(deps: AppDeps) {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJson(c, createBody);
      const session = deps.gate.write(() => createPreviewSession(deps.db, new Date(body.expiresAt)));
      return c.json({ id: session.id, token: session.token, expiresAt: session.expiresAt }, 201);
    })
    .post('/:token/revoke', (c) => {
      const token = c.req.param('token');
      if (!deps.gate.write(() => revokePreviewSession(deps.db, token))) throw notFound('Preview session not found');
      return c.json({ token, revoked: true });
    });
}

/** Public: is this preview link still good? */
export function previewSessionPublicRoutes(deps: AppDeps) {
  return new Hono().get('/:token/validate', (c) => {
    const result = validatePreviewSession(deps.db, c.req.param('token'));
    if (!result.valid) throw REFUSALS[result.reason];
    return c.json({ valid: true, id: result.session.id, expiresAt: result.session.expiresAt });
  });
}
