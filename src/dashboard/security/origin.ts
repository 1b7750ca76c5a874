// Where a request came from, for the CSRF defences that do not need a session (sign-in) and as the
// second check next to the CSRF token. Browsers send Origin on every POST and (all current ones)
// Sec-Fetch-Site on every request; a cross-site form or fetch cannot forge either.
import type { Context } from 'hono';

const first = (value: string | undefined) => value?.split(',')[0]?.trim().toLowerCase() || undefined;

/** True when the page was requested over https, directly or behind a proxy that says so (Replit). */
export function isHttps(c: Context): boolean {
  return first(c.req.header('x-forwarded-proto')) === 'https' || new URL(c.req.url).protocol === 'https:';
}

/** This server's origin as the browser sees it: scheme and host, after any proxy. */
function ownOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const host = first(c.req.header('x-forwarded-host')) ?? c.req.header('host')?.toLowerCase() ?? url.host;
  return `${isHttps(c) ? 'https' : 'http'}://${host}`;
}

export type OriginVerdict = { ok: true } | { ok: false; why: string };

/**
 * A state-changing request must come from a page of this origin.
 * - An Origin header naming an origin decides: it must be ours.
 * - Our pages are served with Referrer-Policy: no-referrer, under which browsers send
 *   "Origin: null" on form posts; then Sec-Fetch-Site (which no page can forge) must say
 *   same-origin. "null" without Sec-Fetch-Site (an old browser, or a sandboxed frame) is refused.
 * - With neither header the client is not a browser (curl, scripts): it cannot carry a victim's
 *   cookie (SameSite=Strict), so it passes here, and the CSRF token still applies to sessions.
 */
export function checkSameOrigin(c: Context): OriginVerdict {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  if (origin !== undefined && origin !== 'null') {
    return origin.toLowerCase() === ownOrigin(c) ? { ok: true } : { ok: false, why: `Origin ${origin} is not this server` };
  }
  if (site !== undefined) return site === 'same-origin' ? { ok: true } : { ok: false, why: `Sec-Fetch-Site is ${site}` };
  if (origin === 'null') return { ok: false, why: 'Origin is null and Sec-Fetch-Site is missing' };
  return { ok: true };
}
