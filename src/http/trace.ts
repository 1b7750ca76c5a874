// Trace context for every request: the trace id from a W3C traceparent header, else x-request-id,
// else a new one. It is echoed back (x-trace-id) and handed to whatever the request enqueues.
import { randomBytes } from 'node:crypto';
import { createMiddleware } from 'hono/factory';

export type TraceEnv = { Variables: { traceId: string; requestId: string | undefined } };

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/i;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export function traceIdFrom(headers: { traceparent?: string; requestId?: string }): string {
  const fromParent = headers.traceparent ? TRACEPARENT.exec(headers.traceparent.trim())?.[1] : undefined;
  if (fromParent && !/^0+$/.test(fromParent)) return fromParent.toLowerCase();
  if (headers.requestId && REQUEST_ID.test(headers.requestId)) return headers.requestId;
  return randomBytes(16).toString('hex');
}

export const traceContext = () =>
  createMiddleware<TraceEnv>(async (c, next) => {
    // Already traced by the host's own traceContext (the same request passing into Nightshift's routes).
    if (c.get('traceId')) return next();
    const requestId = c.req.header('x-request-id');
    const traceId = traceIdFrom({ traceparent: c.req.header('traceparent'), requestId });
    c.set('traceId', traceId);
    c.set('requestId', requestId && REQUEST_ID.test(requestId) ? requestId : undefined);
    c.header('x-trace-id', traceId);
    await next();
  });
