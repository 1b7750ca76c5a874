// GET /metrics: Prometheus text exposition, for METRICS_TOKEN or an admin (see auth.ts).
// Only that one path is registered (never a '*' middleware: this app is mounted at '/').
import { Hono } from 'hono';
import type { AppDeps } from '../http/deps.ts';
import type { Authorize } from '../http/auth/principal.ts';
import { metricsAuth } from './auth.ts';
import { createMetrics } from './metrics.ts';

/** `authorize`: the host app's hook; its admins may scrape too (METRICS_TOKEN still works). */
export function metricsRoutes(deps: AppDeps, options: { authorize?: Authorize } = {}) {
  // The runtime passes its metrics (fed by the scheduler and runner hooks); an app built without
  // them (tests, tools) still serves the gauges, with counters that stay at zero.
  let metrics = deps.metrics;
  if (!metrics) {
    metrics = createMetrics({ store: deps.store, logger: deps.logger });
    metrics.attach({ scheduler: deps.scheduler, queue: deps.queue });
  }
  const served = metrics;
  return new Hono().get('/metrics', metricsAuth({ jwtSecret: deps.jwtSecret, metricsToken: deps.metricsToken, authorize: options.authorize, maxTokenLifetimeSeconds: deps.maxTokenLifetimeSeconds }), async (c) => {
    // A failing gauge is left out and counted (state-metrics.ts); an error here goes to the app's
    // onError: a JSON 500, logged, no stack trace to the client.
    const text = await served.render();
    return c.body(text, 200, { 'Content-Type': served.contentType, 'Cache-Control': 'no-store' });
  });
}
