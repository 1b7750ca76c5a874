// Every error a client sees is JSON {error, code, ...}: never a stack trace, never a 500 for
// something the client sent.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../log/logger.ts';
import { StorageFullError, isStorageFull } from '../store/errors.ts';

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

/** A full disk fails every write until space is freed: one log line a minute says so, not one per request. */
const STORAGE_LOG_INTERVAL_MS = 60_000;

/** 507 STORAGE_FULL for a write the database's disk had no room for (nothing was written), or undefined. */
export function storageFullAnswer(err: unknown): { status: 507; body: { error: string; code: 'STORAGE_FULL' }; driverCode?: string } | undefined {
  if (!isStorageFull(err)) return undefined;
  const full = err instanceof StorageFullError ? err : new StorageFullError(err);
  return { status: 507, body: { error: full.message, code: 'STORAGE_FULL' }, driverCode: full.driverCode };
}

/**
 * Logs a storage-full refusal at most once a minute in this process: the API, the dashboard and a
 * host's routes refuse the same full disk, and one line says it.
 */
let lastStorageLog = -Infinity;
export function storageFullLog(logger: Logger): (fields: Record<string, unknown>) => void {
  return (fields) => {
    const now = Date.now();
    if (now - lastStorageLog < STORAGE_LOG_INTERVAL_MS) return;
    lastStorageLog = now;
    logger.warn('Refused a request: the database storage is full (nothing was written)', fields);
  };
}

export function handleError(logger: Logger) {
  const logStorageFull = storageFullLog(logger);
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
    const full = storageFullAnswer(err);
    if (full) {
      logStorageFull({ method: c.req.method, path: c.req.path, driverCode: full.driverCode });
      return c.json(full.body, full.status);
    }
    logger.error('Unhandled error in request', { method: c.req.method, path: c.req.path, err: err.message, stack: err.stack });
    return c.json({ error: 'Internal server error', code: 'INTERNAL' }, 500);
  };
}
