// Every error a client sees is JSON {error, code, ...}: never a stack trace, never a 500 for
// something the client sent.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../log/logger.ts';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, extra?: Record<string, unknown>) =>
  new ApiError(400, 'VALIDATION_ERROR', message, extra);
export const notFound = (message: string, code = 'NOT_FOUND') => new ApiError(404, code, message);
export const conflict = (message: string, extra?: Record<string, unknown>) => new ApiError(409, 'CONFLICT', message, extra);

export function errorBody(err: ApiError) {
  return { error: err.message, code: err.code, ...err.extra };
}

export function handleError(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof ApiError) {
      return c.json(errorBody(err), err.status, err.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
    }
    if (err instanceof HTTPException) {
      // hono's own middleware (jwt, body limit) throws these.
      if (err.status === 401) {
        return c.json({ error: 'Authentication required: send a valid Bearer token', code: 'UNAUTHORIZED' }, 401, {
          'WWW-Authenticate': 'Bearer',
        });
      }
      return c.json({ error: err.message || 'Request failed', code: `HTTP_${err.status}` }, err.status as ContentfulStatusCode);
    }
    logger.error('Unhandled error in request', { method: c.req.method, path: c.req.path, err: err.message, stack: err.stack });
    return c.json({ error: 'Internal server error', code: 'INTERNAL' }, 500);
  };
}
