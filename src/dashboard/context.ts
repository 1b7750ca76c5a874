// What every dashboard handler shares: the app's dependencies, this app's session store, assets
// and host hook, the typed request variables, and how a page is sent (doctype, status, no caching).
import { baseFromMount } from '../http/base-path.ts';
import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { AppDeps } from '../http/deps.ts';
import type { AuthPrincipal, Authorize } from '../http/auth/principal.ts';
import type { BasePathEnv } from '../http/base-path.ts';
import type { TraceEnv } from '../http/trace.ts';
import type { Assets } from './assets.ts';
import { takeFlash } from './flash.ts';
import { dashboardPathsAt, type DashboardPaths } from './paths.ts';
import type { HostCsrf } from './security/host-csrf.ts';
import type { Session, SessionStore } from './security/session.ts';
import type { Shell } from './views/layout.tsx';

export type DashEnv = {
  Variables: TraceEnv['Variables'] &
    BasePathEnv['Variables'] & {
      /** Who is asking (set by the guard): from the session cookie, or from the host's authorize. */
      principal: AuthPrincipal;
      /** The built-in sign-in's session; absent when the host authorizes. */
      session?: Session;
      csrf: string;
    };
};
export type DashContext = Context<DashEnv>;

export interface Dashboard {
  deps: AppDeps;
  sessions: SessionStore;
  assets: Assets;
  /** The host app's hook: when set, it decides every request and there is no sign-in page. */
  authorize?: Authorize;
  /** CSRF tokens for host-authorized principals (no session to tie them to). */
  hostCsrf: HostCsrf;
  /** Where the dashboard sits under Nightshift's base ('' at the base itself). */
  below: string;
}

/** Requests from the page's refresh script: they get fresh regions, and 401 instead of a redirect. */
const LIVE_HEADER = 'x-nightshift-live';
export const isLiveRequest = (c: Context) => c.req.header(LIVE_HEADER) === '1';

/** The dashboard's URLs for this request (under the base it is mounted at). */
export const pathsOf = (c: Context): DashboardPaths => dashboardPathsAt((c.get('basePath') as string | undefined) ?? '');

/** The layout's inputs for a page nobody is signed in to (sign-in, refusals, early errors). */
export function publicShell(c: Context, dash: Dashboard): Shell {
  const paths = pathsOf(c);
  return { assets: dash.assets, paths, hostAuth: dash.authorize !== undefined, apiDocs: `${baseFromMount(paths.base, dash.below)}/api/docs` };
}

/** The layout's inputs for a signed-in page (the flash is consumed by full page loads only). */
export function shellFor(c: DashContext, dash: Dashboard): Shell {
  return {
    ...publicShell(c, dash),
    principal: c.get('principal'),
    session: c.get('session'),
    csrf: c.get('csrf'),
    flash: isLiveRequest(c) ? undefined : takeFlash(c),
    timezone: dash.deps.scheduler.timezone,
  };
}

export async function sendPage(c: Context, page: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 415 | 500 | 507 = 200) {
  return c.html(`<!DOCTYPE html>${await page.toString()}`, status);
}
