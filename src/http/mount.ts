// ns.routes(): the engine's HTTP surface (API, dashboard, metrics) as one Hono sub-app a host
// mounts where it likes. It can be mounted before start(): until the engine is up it answers 503.
// Where it is mounted is read from the request (the route pattern Hono matched, e.g.
// "/admin/jobs/*"), so nothing needs configuring; the engine's app is then served under that base.
import { Hono } from 'hono';
import { createApp, type App } from './app.ts';
import type { AppDeps } from './deps.ts';
import type { Authorize } from './auth/principal.ts';
import type { RouteSpec } from './openapi/define.ts';

export interface RoutesOptions {
  /**
   * The host's own authentication, used by the API, the dashboard and /metrics alike: map the
   * request (the host's session) to `{ role: 'admin' | 'viewer', actor? }`, or null for no access.
   * It may be async. Without it, the built-in JWT sign-in (jwtSecret) is used.
   */
  authorize?: Authorize;
  /** Where the dashboard sits below the mount point: '' (default: the mount point itself) or e.g. '/dashboard'. */
  dashboardPath?: string;
  /**
   * HS256 secret (32+ bytes) of the built-in JWT sign-in: API bearer tokens and the dashboard's
   * sign-in take tokens signed with it (roles owner, admin, staff).
   */
  jwtSecret?: string;
  /** How long POST /api/jobs/run/:name waits for the result before answering 202. Default 30 s. */
  runWaitMs?: number;
  /** Larger request bodies get 413. Default 100 KiB. */
  bodyLimitBytes?: number;
  /** A static bearer token Prometheus may scrape /metrics with (16+ characters). */
  metricsToken?: string;
  /** Lifetime of a dashboard sign-in, in minutes (never longer than its token). Default 480. */
  dashboardSessionMinutes?: number;
  /** Longest lifetime (exp - iat) a token of the built-in sign-in may claim. Default a year. */
  maxTokenLifetimeSeconds?: number;
  /**
   * The host's own routes, defined with defineRoute (and served with serve()), to list in the
   * OpenAPI document beside Nightshift's: their paths are the host's, from its root.
   */
  documentRoutes?: readonly RouteSpec[];
}

const STARTING = { error: 'Nightshift is starting', code: 'STARTING' };

/** What the routes serve, once the engine has started (undefined before). */
export type EngineParts = Pick<AppDeps, 'store' | 'scheduler' | 'queue' | 'logger' | 'metrics'>;

export function mountable(engine: () => EngineParts | undefined, options: RoutesOptions): Hono {
  if (!options.authorize && !options.jwtSecret) throw new Error('ns.routes() needs an authorize hook or a jwtSecret (the built-in sign-in)');
  let engineApp: App | undefined;
  const underBase = new Map<string, Hono>();
  const app = new Hono();
  app.all('*', (c) => {
    const parts = engine();
    if (!parts) return c.json(STARTING, 503, { 'retry-after': '1' });
    engineApp ??= createApp({
      ...parts,
      jwtSecret: options.jwtSecret,
      runWaitMs: options.runWaitMs ?? 30_000,
      bodyLimitBytes: options.bodyLimitBytes ?? 100 * 1024,
      metricsToken: options.metricsToken,
      dashboardSessionMinutes: options.dashboardSessionMinutes,
      maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds,
    }, { authorize: options.authorize, dashboardPath: options.dashboardPath, documentRoutes: options.documentRoutes });
    // "/admin/jobs/*" -> "/admin/jobs"; "/*" (mounted at the root) -> "".
    const base = c.req.routePath.replace(/\/?\*$/, '');
    let served = underBase.get(base);
    if (!served) underBase.set(base, (served = new Hono().route(base || '/', engineApp)));
    return served.fetch(c.req.raw, c.env);
  });
  return app;
}
