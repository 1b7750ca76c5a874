// The web dashboard, a Hono sub-app mounted at Nightshift's base or below it (DashboardOptions.below):
// every URL it serves or links to is under the base path it finds itself mounted at. Public: the
// assets and the sign-in page; everything else needs a principal (handlers/guard.tsx), from the
// built-in sign-in's session cookie or from the host's `authorize` hook, and every POST its CSRF
// token.
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { AppDeps } from '../http/deps.ts';
import type { Authorize } from '../http/auth/principal.ts';
import { basePathFromMount } from '../http/base-path.ts';
import { loadAssets } from './assets.ts';
import { pathsOf, type DashEnv, type Dashboard } from './context.ts';
import { actionRoutes } from './handlers/actions.tsx';
import { errorPage } from './handlers/errors.tsx';
import { requireSession } from './handlers/guard.tsx';
import { notFoundPage, pageRoutes } from './handlers/pages.tsx';
import { signInRoutes } from './handlers/sign-in.tsx';
import { createHostCsrf } from './security/host-csrf.ts';
import { securityHeaders } from './security/headers.ts';
import { createSessionStore } from './security/session.ts';

export interface DashboardOptions {
  /**
   * The host app's authentication: called on every request; null means no access (a 401 page),
   * a viewer may look, an admin may also act. With it there is no sign-in page or session cookie.
   */
  authorize?: Authorize;
  /**
   * Where the dashboard sits under Nightshift's base, when not at the base itself (e.g.
   * '/dashboard'): the API, and so the footer's "API docs" link, is at '<Nightshift base>/api'.
   */
  below?: string;
}

export function dashboardRoutes(deps: AppDeps, options: DashboardOptions = {}) {
  if (!options.authorize && !deps.jwtSecret) throw new Error('The dashboard needs jwtSecret (its sign-in) or an authorize hook');
  const dash: Dashboard = {
    deps,
    // Under a host's authorize there are no sessions; the store still needs a key, never used.
    sessions: createSessionStore(deps.jwtSecret ?? randomBytes(32).toString('hex'), deps.dashboardSessionMinutes),
    assets: loadAssets(),
    authorize: options.authorize,
    hostCsrf: createHostCsrf(),
    below: options.below ?? '',
  };
  const app = new Hono<DashEnv>();
  app.use('*', basePathFromMount());
  app.use('*', securityHeaders());
  app.route('/assets', dash.assets.routes());
  // Signing in belongs to the host when it authorizes.
  if (!dash.authorize) app.route('/', signInRoutes(dash));
  app.use('*', requireSession(dash));
  app.route('/', pageRoutes(dash));
  app.route('/', actionRoutes(dash));
  app.all('*', (c) => {
    const paths = pathsOf(c);
    // '<base>/' is the overview too (at the root that is '/', served above).
    if (c.req.path === `${paths.base}/`) return c.redirect(paths.overview, 308);
    return notFoundPage(c, dash, 'Page not found', 'There is no dashboard page at this address.');
  });
  app.onError(errorPage(dash));
  return app;
}
