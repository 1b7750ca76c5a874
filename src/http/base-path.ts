// Where a sub-app is mounted, worked out per request from Hono's own routing, so the host decides
// the prefix (`app.route('/admin/jobs', ns)`) and Nightshift needs no base-path setting.
//
// Hono 4 registers a mounted sub-app's handlers under the merged path, and records for each route
// the base path it was mounted under. hono/route's basePath(c) reads it for the handler now running
// (c.req.routeIndex), with any ":param" of the prefix filled in from the request; so a middleware
// registered inside the sub-app sees the sub-app's mount point, however deeply it was nested
// (host.route('/admin/jobs', ns) with ns.route('/', dash) gives '/admin/jobs'). c.req.routePath
// says the same as a pattern ('/admin/jobs/*') but is deprecated and leaves params unfilled.
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { basePath as mountedAt } from 'hono/route';

/** `basePath`: '' at the root, else '/admin/jobs' (never a trailing slash). */
export type BasePathEnv = { Variables: { basePath: string } };

/**
 * The base from a mount point: without a trailing slash, and without `below`, the part of the
 * mount that belongs to Nightshift's own layout (the API docs are mounted at '<base>/api').
 */
export function baseFromMount(mount: string, below = ''): string {
  let base = mount.replace(/\/+$/, '');
  if (below && base.endsWith(below)) base = base.slice(0, -below.length);
  return base;
}

/**
 * Sets `basePath` for the handlers after it. Register it with `app.use('*', …)` in the sub-app
 * whose mount point is wanted; `below` names the path at which that sub-app sits under the base
 * ('/api' for the docs routes), so every part of Nightshift agrees on one base.
 */
export function basePathFromMount(options: { below?: string } = {}): MiddlewareHandler<BasePathEnv> {
  return createMiddleware<BasePathEnv>(async (c, next) => {
    c.set('basePath', baseFromMount(mountedAt(c), options.below));
    await next();
  });
}
