import { Hono } from 'hono';
import type { AppDeps } from '../http/app.ts';

/** The web dashboard, mounted at /dashboard. (Placeholder until the dashboard lands.) */
export function dashboardRoutes(_deps: AppDeps) {
  return new Hono();
}
