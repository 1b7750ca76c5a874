// A host app that mounts Nightshift's dashboard and API docs where a host would (at '/',
// '/admin/jobs', '/a/b/jobs'), around dashboardRoutes/openApiRoutes rather than createApp, plus an
// `authorize` hook driven by a request header, for the mount tests.
import { Hono } from 'hono';
import { dashboardRoutes } from '../../src/dashboard/routes.ts';
import type { AppDeps } from '../../src/http/app.ts';
import type { Authorize, Principal } from '../../src/http/auth/principal.ts';
import { openApiRoutes } from '../../src/http/openapi/routes.ts';
import { traceContext } from '../../src/http/trace.ts';
import { loadJobs } from '../../src/jobs/load.ts';
import { Queue } from '../../src/queue/index.ts';
import { JOBS_DIR, TEST_SECRET, tempDb, testScheduler, type TempDb } from '../helpers/index.ts';

export interface NightshiftDeps {
  t: TempDb;
  deps: AppDeps;
  close(): Promise<void>;
}

/** The app's dependencies on a temp database with the shipped jobs; the scheduler started. */
export async function nightshiftDeps(): Promise<NightshiftDeps> {
  const t = tempDb();
  const jobs = await loadJobs(JOBS_DIR);
  const { scheduler, logs } = await testScheduler(t, jobs);
  const queue = new Queue({ store: t.store, jobs, logger: logs.logger });
  await scheduler.start();
  const deps: AppDeps = { store: t.store, scheduler, queue, logger: logs.logger, jwtSecret: TEST_SECRET, runWaitMs: 5_000, bodyLimitBytes: 100 * 1024 };
  return {
    t,
    deps,
    async close() {
      await scheduler.stop();
      t.cleanup();
    },
  };
}

/** A host app with Nightshift at `base` ('' for the root): the docs at <base>/api, the dashboard at <base>. */
export function hostApp(deps: AppDeps, base: string, options: { authorize?: Authorize } = {}) {
  const host = new Hono();
  host.use('*', traceContext());
  host.get('/host-page', (c) => c.text('the host app'));
  // The docs first: a dashboard mounted at '/' answers every path it is asked about.
  host.route(`${base}/api`, openApiRoutes(deps));
  host.route(base || '/', dashboardRoutes(deps, options));
  return host;
}

export const USER_HEADER = 'x-test-user';

/** "admin:alice", "viewer:bob", "viewer" (no actor); anything else (or nothing) is no access. */
export function principalFromHeader(value: string | undefined): Principal | null {
  const [role, actor] = (value ?? '').split(':');
  if (role !== 'admin' && role !== 'viewer') return null;
  return actor ? { role, actor } : { role };
}

/** The host's hook for the tests: the user the test names in a header; async like a session lookup. */
export const headerAuthorize: Authorize = async (c) => {
  await new Promise((resolve) => setImmediate(resolve));
  return principalFromHeader(c.req.header(USER_HEADER));
};

/** Every href, src and action attribute of a page (entities decoded). */
export function urlsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

/** The actions of the page's POST forms (they answer POST only). */
export function postActionsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/<form method="post" action="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&')));
}
