import { Hono } from 'hono';
import type { AppDeps } from '../http/app.ts';

/** GET /metrics in Prometheus text format. (Placeholder until metrics land.) */
export function metricsRoutes(_deps: AppDeps) {
  return new Hono();
}
