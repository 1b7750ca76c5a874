// createApp(deps, options): the engine's HTTP API, docs, metrics and dashboard as one Hono app, with no
// globals, so tests build one per database and call app.request() without a port.
import { Hono, type Context } from 'hono';
import { authenticate, requireRole } from './auth/auth.ts';
import { ADMIN_ROLES } from './auth/roles.ts';
import type { Authorize } from './auth/principal.ts';
import { handleError } from './errors.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { enqueueRoute, queueRoutes } from './routes/queue.ts';
import { queueBatchRoutes } from './routes/queue-batch.ts';
import { queuesRoutes } from './routes/queues.ts';
import { jsonBodyLimit } from './body-limit.ts';
import type { RouteSpec } from './openapi/define.ts';
import { apiHeaders } from './headers.ts';
import { traceContext } from './trace.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { metricsRoutes } from '../metrics/routes.ts';
import { openApiRoutes } from './openapi/routes.ts';
import type { AppDeps } from './deps.ts';

export type { AppDeps };


export interface AppOptions {
  /** The host's own authentication for the API, the dashboard and /metrics (replaces the JWT sign-in). */
  authorize?: Authorize;
  /** Where the dashboard sits under the app's base: '' (default: the base itself) or e.g. '/dashboard'. */
  dashboardPath?: string;
  /** The host's own routes (defineRoute), listed in the served OpenAPI document beside the engine's. */
  documentRoutes?: readonly RouteSpec[];
}

/**
 * The engine's HTTP surface as one Hono app, laid out relative to wherever it is mounted: the
 * dashboard at the base (or `dashboardPath` below it), the API under /api, Prometheus at /metrics.
 */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  if (!options.authorize && !deps.jwtSecret) throw new Error('The API needs jwtSecret (the built-in sign-in) or an authorize hook');
  const app = new Hono();
  const auth = authenticate({ jwtSecret: deps.jwtSecret, authorize: options.authorize, maxTokenLifetimeSeconds: deps.maxTokenLifetimeSeconds });
  const adminOnly = requireRole(ADMIN_ROLES);

  app.use('*', apiHeaders());
  app.use('*', traceContext());
  app.use('*', jsonBodyLimit(deps.bodyLimitBytes));

  // Public routes.
  app.route('/api', healthRoutes(deps));

  // Owner/admin routes.
  for (const path of ['/api/jobs', '/api/jobs/*']) app.use(path, auth, adminOnly);
  app.route('/api/jobs', jobRoutes(deps));
  app.route('/api/jobs', enqueueRoute(deps));
  // The queue: progress is readable by any signed-in role, the rest needs owner or admin.
  app.use('/api/v1/jobs', auth);
  app.use('/api/v1/jobs/*', auth);
  for (const path of ['/api/v1/queues', '/api/v1/queues/*']) app.use(path, auth, adminOnly);
  app.route('/api/v1/queues', queuesRoutes(deps));
  app.route('/api/v1/jobs', queueBatchRoutes(deps, adminOnly));
  app.route('/api/v1/jobs', queueRoutes(deps, adminOnly));

  // The operator's surface: API description, Prometheus metrics and the web dashboard. Each
  // module applies its own authentication (docs are public; metrics and dashboard are not).
  app.route('/api', openApiRoutes(deps, options.documentRoutes ?? []));
  app.all('/api/*', (c) => c.json(notFoundBody(c), 404));
  app.route('/', metricsRoutes(deps, { authorize: options.authorize }));
  // Last: mounted at the base itself, the dashboard answers every path not served above.
  const dashboardPath = options.dashboardPath ?? '';
  app.route(dashboardPath || '/', dashboardRoutes(deps, { authorize: options.authorize, below: dashboardPath }));

  app.notFound((c) => c.json(notFoundBody(c), 404));
  app.onError(handleError(deps.logger));
  return app;
}

const notFoundBody = (c: Context) => ({ error: `No route for ${c.req.method} ${c.req.path}`, code: 'NOT_FOUND' });

export type App = ReturnType<typeof createApp>;
