// The dashboard's URLs, under the base path it is mounted at ('' at the root, '/admin/jobs' when a
// host mounts it there: read per request, see src/http/base-path.ts). Links the dashboard builds
// from user input (the "next" page after sign-in, "back" after an action) must stay inside the
// dashboard: no open redirects.

/** Where createApp mounts the dashboard (and the base of safeDashboardPath's callers that name none). */
export const DEFAULT_DASHBOARD_BASE = '/dashboard';

/** Every page and action of the dashboard, as URLs under `base`. */
export function dashboardPathsAt(base: string) {
  const under = (local: string) => (local === '/' ? base || '/' : `${base}${local}`);
  const id = encodeURIComponent;
  return {
    base,
    /** A mount-relative path ('/runs/x', as data/overview.ts builds them) as a URL under the base. */
    under,
    overview: under('/'),
    runs: under('/runs'),
    run: (runId: string) => under(`/runs/${id(runId)}`),
    job: (name: string) => under(`/jobs/${id(name)}`),
    runNow: (name: string) => under(`/jobs/${id(name)}/run`),
    queue: under('/queue'),
    queueJob: (jobId: string) => under(`/queue/${id(jobId)}`),
    cancel: (jobId: string) => under(`/queue/${id(jobId)}/cancel`),
    retry: (jobId: string) => under(`/queue/${id(jobId)}/retry`),
    enqueue: under('/queue/new'),
    signIn: under('/sign-in'),
    signOut: under('/sign-out'),
    asset: (name: string, version: string) => under(`/assets/${name}?v=${version}`),
    /** The API docs: Nightshift's API is mounted at '<base>/api'. */
    apiDocs: under('/api/docs'),
  };
}

export type DashboardPaths = ReturnType<typeof dashboardPathsAt>;

/** Mount-relative paths ('/', '/runs', ...), for code that builds links without a request. */
export const dashboardPaths = dashboardPathsAt('');

const REST = /^(?:[/?][^\s\\]*)?$/;
/** Under the base but not a page to return to: sign-in/out, and the API, metrics and assets beside the pages. */
const NOT_A_PAGE = /^\/(?:sign-|assets\/|(?:api|metrics)(?:[/?]|$))/;

/** The path if it is a dashboard page under `base` on this server, else undefined. */
export function safeDashboardPath(value: unknown, base: string = DEFAULT_DASHBOARD_BASE): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith(base)) return undefined;
  // What follows the base: nothing, a path or a query ("/dashboardx" is another page, not ours).
  const rest = value.slice(base.length);
  if (!REST.test(rest) || (base === '' && !rest.startsWith('/'))) return undefined;
  if (value.includes('//') || NOT_A_PAGE.test(rest)) return undefined;
  // The browser resolves dot segments, "%2e%2e" included: "/dashboard/../api" would leave the dashboard.
  const path = value.split('?')[0]!;
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return undefined;
  return value;
}

/** A query string from the non-empty entries, e.g. "?status=failed&page=2" (or ""). */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
