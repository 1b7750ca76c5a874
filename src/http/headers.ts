// Headers on every answer of the API: browsers must not sniff a JSON answer into something they
// run (nosniff), and answers about jobs and runs, most of them behind a token, must not be kept by
// caches in between (no-store) unless a handler chose its own caching (the docs' static assets).
import { createMiddleware } from 'hono/factory';

export function apiHeaders() {
  return createMiddleware(async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
}
