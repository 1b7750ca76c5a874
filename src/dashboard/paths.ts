// Links the dashboard builds from user input (the "next" page after sign-in, "back" after an action)
// must stay inside the dashboard: no open redirects.

const SAFE = /^\/dashboard(?:[/?][^\s\\]*)?$/;

/** The path if it is a dashboard page on this server, else undefined. */
export function safeDashboardPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!SAFE.test(value) || value.includes('//') || value.startsWith('/dashboard/sign-')) return undefined;
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

export const dashboardPaths = {
  overview: '/dashboard',
  runs: '/dashboard/runs',
  run: (id: string) => `/dashboard/runs/${encodeURIComponent(id)}`,
  job: (name: string) => `/dashboard/jobs/${encodeURIComponent(name)}`,
  runNow: (name: string) => `/dashboard/jobs/${encodeURIComponent(name)}/run`,
  queue: '/dashboard/queue',
  queueJob: (id: string) => `/dashboard/queue/${encodeURIComponent(id)}`,
  cancel: (id: string) => `/dashboard/queue/${encodeURIComponent(id)}/cancel`,
  retry: (id: string) => `/dashboard/queue/${encodeURIComponent(id)}/retry`,
  enqueue: '/dashboard/queue/new',
  signIn: '/dashboard/sign-in',
  signOut: '/dashboard/sign-out',
};
