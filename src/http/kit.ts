// The request kit for a host's own routes, public so an app can answer the way Nightshift's API
// does and appear in its OpenAPI document: defineRoute() describes a route (zod schemas for
// params, query, body and each answer), serve() mounts it on a Hono app with validation that
// answers 400 naming the field, and routes({ documentRoutes }) lists the definitions in the
// served document beside the engine's own. The reference app's routes (src/app/routes) use only this.
import type { PinoLike } from '../log/host.ts';
import { fromHostLogger } from '../log/host.ts';
import { handleError } from './errors.ts';

export { defineRoute, serve, type Access, type Reply, type RouteHandler, type RouteInput, type RouteSpec } from './openapi/define.ts';
export { ApiError, badRequest, conflict, notFound } from './errors.ts';
export { jsonBodyLimit } from './body-limit.ts';
export { apiHeaders } from './headers.ts';
export { traceContext } from './trace.ts';
export { isoDateTime } from './validate.ts';
export { timestamp } from './routes/shapes.ts';

/** app.onError for host routes: ApiError as its {error, code} JSON, anything else a logged 500 with no details. */
export function apiErrorHandler(logger: PinoLike) {
  return handleError(fromHostLogger(logger));
}
