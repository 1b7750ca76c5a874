// createMetrics(): one Prometheus registry per runtime (never prom-client's global one: tests build
// many apps in one process, and each must count only its own events). The runtime passes its
// observer hooks to the scheduler, the queue and the runner, then attaches them for the gauges.
//
//   const metrics = createMetrics({ store, logger, processMetrics: true });
//   new JobScheduler({ ..., events: metrics.schedulerEvents });
//   new QueueRunner({ ..., events: metrics.runnerEvents });
//   new Queue({ ..., onRetry: metrics.onManualRetry });
//   metrics.attach({ scheduler, queue, runner });
//   await metrics.render();   // Prometheus text exposition, served at GET /metrics
import type { NightshiftStore } from '../store/types.ts';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { errorFields, type Logger } from '../log/logger.ts';
import type { QueueRunnerEvents } from '../queue/runner-types.ts';
import type { QueueJob } from '../queue/types.ts';
import type { SchedulerEvents } from '../scheduler/types.ts';
import { createEventMetrics } from './event-metrics.ts';
import { registerStateMetrics, type MetricsSources } from './state-metrics.ts';

export type { MetricsSources } from './state-metrics.ts';

export interface MetricsOptions {
  store: NightshiftStore;
  logger: Logger;
  /**
   * Node's standard process metrics too (process_cpu_seconds_total, nodejs_heap_size_used_bytes,
   * nodejs_eventloop_lag_seconds...), under their usual names so stock dashboards work. Each call
   * enables an event-loop monitor for the life of the process: the runtime turns it on, the
   * many apps tests build do not.
   */
  processMetrics?: boolean;
}

export interface Metrics {
  readonly registry: Registry;
  /** The Content-Type of render()'s text. */
  readonly contentType: string;
  readonly schedulerEvents: SchedulerEvents;
  readonly runnerEvents: QueueRunnerEvents;
  /** QueueOptions.onRetry: counts jobs retried by hand. */
  readonly onManualRetry: (job: QueueJob) => void;
  /** What the gauges read. Call once the scheduler, queue and (if any) runner exist. */
  attach(sources: MetricsSources): void;
  render(): Promise<string>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const { store, logger } = options;
  const registry = new Registry();
  let sources: MetricsSources = {};
  let scrapes = 0;
  // A read that fails on every scrape is logged once a minute, not every 15 s.
  const reportedAt = new Map<string, number>();
  const report = (where: string, err: unknown) => {
    const key = `${where}: ${(err as Error)?.message ?? String(err)}`;
    const now = performance.now();
    if (now - (reportedAt.get(key) ?? -Infinity) < 60_000) return;
    if (reportedAt.size >= 100) reportedAt.clear(); // error texts are not a bounded set
    reportedAt.set(key, now);
    logger.error('Metrics: a read or an observer failed', { where, ...errorFields(err) });
  };

  const events = createEventMetrics(registry, report);
  registerStateMetrics(registry, { store, sources: () => sources, scrape: () => scrapes, report });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    schedulerEvents: events.scheduler,
    runnerEvents: events.runner,
    onManualRetry: events.manualRetry,
    attach(attached) {
      sources = attached;
      const scheduled = attached.scheduler?.list().map((j) => j.definition.name) ?? [];
      const types = attached.queue?.types.all().map((t) => t.name) ?? [];
      events.initialise(scheduled, types);
    },
    async render() {
      scrapes += 1;
      return registry.metrics();
    },
  };
}
