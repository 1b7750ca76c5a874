// The web dashboard, mounted at /dashboard by createApp. Public: the assets and the sign-in page;
// everything else needs an owner/admin session (handlers/guard.tsx), and every POST its CSRF token.
import { Hono } from 'hono';
import type { AppDeps } from '../http/app.ts';
import { loadAssets } from './assets.ts';
import type { DashEnv, Dashboard } from './context.ts';
import { actionRoutes } from './handlers/actions.tsx';
import { errorPage } from './handlers/errors.tsx';
import { requireSession } from './handlers/guard.tsx';
import { notFoundPage, pageRoutes } from './handlers/pages.tsx';
import { signInRoutes } from './handlers/sign-in.tsx';
import { dashboardPaths } from './paths.ts';
import { securityHeaders } from './security/headers.ts';
import { createSessionStore } from './security/session.ts';

export function dashboardRoutes(deps: AppDeps) {
  const dash: Dashboard = {
    deps,
    sessions: createSessionStore(deps.jwtSecret, deps.dashboardSessionMinutes),
    assets: loadAssets(),
  };
  const app = new Hono<DashEnv>();
  app.use('*', securityHeaders());
  app.route('/assets', dash.assets.routes());
  app.route('/', signInRoutes(dash));
  app.use('*', requireSession(dash));
  app.route('/', pageRoutes(dash));
  app.route('/', actionRoutes(dash));
  app.all('*', (c) => {
    if (c.req.path === '/dashboard/') return c.redirect(dashboardPaths.overview, 308);
    return notFoundPage(c, dash, 'Page not found', 'There is no dashboard page at this address.');
  });
  app.onError(errorPage(dash));
  return app;
}
