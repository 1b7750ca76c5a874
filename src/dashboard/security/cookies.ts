// The session cookie: HttpOnly (no script reads it), SameSite=Strict (never sent on cross-site
// requests), Path=<base> (where the dashboard is mounted, or / at the root; the API does not accept
// it anyway: it takes bearer tokens only),
// Secure whenever the browser reached us over https (Replit's proxy says so in x-forwarded-proto).
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isHttps } from './origin.ts';
import type { Session } from './session.ts';

const SESSION_COOKIE = 'nightshift_session';

/** The dashboard's cookies go back to its own pages only: Path is its base path ('/' at the root). */
export function dashboardCookiePath(c: Context): string {
  return (c.get('basePath') as string | undefined) || '/';
}

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** Max-Age is the session's lifetime, from its own timestamps (not the clock now: stable to the second). */
export function setSessionCookie(c: Context, value: string, session: Pick<Session, 'iat' | 'exp'>): void {
  setCookie(c, SESSION_COOKIE, value, {
    path: dashboardCookiePath(c),
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: Math.max(0, Math.floor((session.exp - session.iat) / 1000)),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: dashboardCookiePath(c), httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
}
