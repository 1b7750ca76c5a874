// One-shot messages after a POST-and-redirect ("Run started", "Job cancelled"): a short-lived
// cookie read (and cleared) by the next full page render. A cookie rather than a query string, so
// nobody can craft a link that shows a misleading message, and a reload does not repeat it.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isHttps } from './security/origin.ts';
import { safeDashboardPath } from './paths.ts';
import { dashboardCookiePath } from './security/cookies.ts';

export interface Flash {
  tone: 'success' | 'error' | 'info';
  text: string;
  link?: { href: string; label: string };
  /**
   * The message is about something still under way ("Cancel requested: the job stops at its next
   * check"): once the page shows it settled, the message is stale and goes (the server leaves it
   * out, or replaces it; the script drops it when a live refresh shows the settled state).
   */
  untilSettled?: boolean;
}

const COOKIE = 'nightshift_flash';

export function setFlash(c: Context, flash: Flash): void {
  setCookie(c, COOKIE, Buffer.from(JSON.stringify(flash)).toString('base64url'), {
    path: dashboardCookiePath(c),
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    maxAge: 60,
  });
}

/** The pending message, if any; cleared so it shows once. Live refreshes leave it for the page. */
export function takeFlash(c: Context): Flash | undefined {
  const raw = getCookie(c, COOKIE);
  if (!raw) return undefined;
  deleteCookie(c, COOKIE, { path: dashboardCookiePath(c), httpOnly: true, sameSite: 'Strict', secure: isHttps(c) });
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Flash;
    if (!['success', 'error', 'info'].includes(value.tone) || typeof value.text !== 'string') return undefined;
    const href = value.link && safeDashboardPath(value.link.href, (c.get('basePath') as string | undefined) ?? '');
    return {
      tone: value.tone,
      text: value.text.slice(0, 500),
      link: href ? { href, label: String(value.link!.label) } : undefined,
      untilSettled: value.untilSettled === true ? true : undefined,
    };
  } catch {
    return undefined;
  }
}
