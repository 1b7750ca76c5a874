// Helpers for the dashboard's in-process tests: an app on a temp database (real scheduler, the
// shipped jobs), sign-in through the real form, and form posts with the session's CSRF token.
import type { Db } from '../../src/store/sqlite/open.ts';
import type { Role } from '../../src/http/auth/roles.ts';
import { tempDb, testApp, token, type TempDb, type TestApp } from '../helpers/index.ts';
import type { SchedulerOptions } from '../../src/scheduler/scheduler.ts';

export const ORIGIN = 'http://localhost';
export const FORM = 'application/x-www-form-urlencoded';

export interface DashboardHarness extends TestApp {
  t: TempDb;
  db: Db;
  /** Signs in through POST /dashboard/sign-in; returns the Cookie header value. */
  signIn(role?: Exclude<Role, 'staff'>): Promise<string>;
  get(path: string, cookie?: string, headers?: Record<string, string>): Promise<Response>;
  /** GET a page and return its body text (asserting nothing). */
  html(path: string, cookie: string): Promise<string>;
  /** The CSRF token a signed-in page carries. */
  csrf(cookie: string): Promise<string>;
  post(path: string, form: Record<string, string>, options?: { cookie?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function dashboardHarness(options: Partial<SchedulerOptions> & { jobsDir?: string; start?: boolean } = {}): Promise<DashboardHarness> {
  const t = tempDb();
  const base = await testApp(t, options);
  if (options.start) await base.scheduler.start();
  const { app } = base;
  const get = async (path: string, cookie?: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
  const post = async (path: string, form: Record<string, string>, o: { cookie?: string; headers?: Record<string, string> } = {}) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': FORM, origin: ORIGIN, ...(o.cookie ? { cookie: o.cookie } : {}), ...o.headers },
      body: new URLSearchParams(form).toString(),
    });
  const harness: DashboardHarness = {
    ...base,
    t,
    db: t.db,
    get,
    post,
    async signIn(role = 'admin') {
      const res = await post('/dashboard/sign-in', { token: await token(role) });
      if (res.status !== 303) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      return sessionCookie(res)!;
    },
    async html(path, cookie) {
      return (await get(path, cookie)).text();
    },
    async csrf(cookie) {
      const page = await (await get('/dashboard', cookie)).text();
      const match = /<meta name="csrf-token" content="([^"]+)"/.exec(page);
      if (!match) throw new Error('no csrf token on the page');
      return match[1]!;
    },
    async close() {
      await base.scheduler.stop();
      t.cleanup();
    },
  };
  return harness;
}

/** "nightshift_session=…" from a response's Set-Cookie headers. */
export function sessionCookie(res: Response): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('nightshift_session='));
  return line?.split(';')[0];
}

export function flashCookie(res: Response): string | undefined {
  const line = res.headers.getSetCookie().find((c) => c.startsWith('nightshift_flash='));
  return line?.split(';')[0];
}

/** Text content of the page without tags (for "the page says X" assertions). */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The outer HTML of the <div> with this id (live regions are divs): matched by counting nested divs. */
export function regionOf(html: string, id: string): string {
  const start = html.indexOf(`<div id="${id}"`);
  if (start < 0) throw new Error(`no div #${id}`);
  const tag = /<div\b|<\/div>/g;
  tag.lastIndex = start;
  let depth = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    depth += m[0] === '</div>' ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  throw new Error(`unclosed div #${id}`);
}
