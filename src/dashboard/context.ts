// What every dashboard handler shares: the app's dependencies, this app's session store and
// assets, the typed request variables, and how a page is sent (doctype, status, no caching).
import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { AppDeps } from '../http/app.ts';
import type { TraceEnv } from '../http/trace.ts';
import type { Assets } from './assets.ts';
import { takeFlash } from './flash.ts';
import type { Session, SessionStore } from './security/session.ts';
import type { Shell } from './views/layout.tsx';

export type DashEnv = { Variables: TraceEnv['Variables'] & { session: Session; csrf: string } };
export type DashContext = Context<DashEnv>;

export interface Dashboard {
  deps: AppDeps;
  sessions: SessionStore;
  assets: Assets;
}

/** Requests from the page's refresh script: they get fresh regions, and 401 instead of a redirect. */
const LIVE_HEADER = 'x-nightshift-live';
export const isLiveRequest = (c: Context) => c.req.header(LIVE_HEADER) === '1';

/** The layout's inputs for a signed-in page (the flash is consumed by full page loads only). */
export function shellFor(c: DashContext, dash: Dashboard): Shell {
  return {
    assets: dash.assets,
    session: c.get('session'),
    csrf: c.get('csrf'),
    flash: isLiveRequest(c) ? undefined : takeFlash(c),
    timezone: dash.deps.scheduler.timezone,
  };
}

export async function sendPage(c: Context, page: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 409 | 415 | 500 = 200) {
  return c.html(`<!DOCTYPE html>${await page.toString()}`, status);
}
