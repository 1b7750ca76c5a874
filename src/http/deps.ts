// What the engine's HTTP app (and each route module, the dashboard and the metrics routes) is
// built from. A module of its own so route modules depend on this shape, not on the app that
// mounts them.
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Queue } from '../queue/index.ts';
import type { JobScheduler } from '../scheduler/scheduler.ts';
import type { NightshiftStore } from '../store/types.ts';

export interface AppDeps {
  store: NightshiftStore;
  scheduler: JobScheduler;
  queue: Queue;
  logger: Logger;
  /** HS256 secret of the built-in JWT sign-in (not needed with an authorize hook). */
  jwtSecret?: string;
  /** Longest lifetime (exp - iat) a token of the built-in sign-in may claim; default a year. */
  maxTokenLifetimeSeconds?: number;
  /** How long POST /api/jobs/run/:name waits for the result before answering 202. */
  runWaitMs: number;
  bodyLimitBytes: number;
  /** Static bearer token accepted on /metrics besides owner/admin JWTs (see src/metrics). */
  metricsToken?: string;
  /** Lifetime of a dashboard session cookie, in minutes (default 8 hours). */
  dashboardSessionMinutes?: number;
  /** The runtime's Prometheus metrics (fed by scheduler and runner hooks); without it /metrics builds its own. */
  metrics?: Metrics;
}
