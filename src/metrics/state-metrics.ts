// Gauges read at scrape time: the scheduler's and the runner's state in this process (memory), and
// what the database says (queue depth, runs in progress, last successes), so a process that runs no
// jobs (JOBS_ENABLED=false, or QUEUE_WORKERS=0) still reports the queue. A gauge whose read fails
// is left empty for that scrape (NaN if it has no labels: never a stale or made-up value) and
// counted in nightshift_metrics_collect_errors_total; the scrape itself still succeeds.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queue, QueueRunner } from '../queue/index.ts';
import { QUEUE_STATUSES } from '../queue/types.ts';
import type { JobScheduler, SchedulerRole } from '../scheduler/scheduler.ts';
import type { NightshiftStore } from '../store/types.ts';
import { CostBoundedRead } from './cost-bound.ts';

export interface MetricsSources {
  scheduler?: JobScheduler;
  queue?: Queue;
  /** Absent when this process runs no queue jobs. */
  runner?: QueueRunner;
}

export interface StateMetricsOptions {
  store: NightshiftStore;
  sources: () => MetricsSources;
  /** Which scrape is being collected (reads are shared by the gauges of one scrape). */
  scrape: () => number;
  report: (where: string, err: unknown) => void;
}

const ROLES: readonly SchedulerRole[] = ['disabled', 'stopped', 'standby', 'leader'];

export function registerStateMetrics(registry: Registry, options: StateMetricsOptions): void {
  const { store, sources, scrape, report } = options;
  const registers = [registry];
  // Gauges collect asynchronously (their reads may go to an async store), and the registry renders
  // every metric at once: the error counter waits for the collects of its scrape, so a failure is
  // counted in the scrape where it happened, not the next one.
  const collecting = new Set<Promise<void>>();
  const errors = new Counter({
    name: 'nightshift_metrics_collect_errors_total',
    help: 'Scrape-time reads that failed, by gauge (that gauge was left empty for the scrape).',
    labelNames: ['gauge'],
    registers,
    async collect() {
      await null; // let the registry start every gauge's collect first
      await Promise.allSettled([...collecting]);
    },
  });
  const scheduledJobs = () => sources().scheduler?.list().map((j) => j.definition.name) ?? [];
  const queueDepth = new CostBoundedRead(() => store.jobs.depth(Date.now()));
  const schedulerRuns = new CostBoundedRead(() => store.runs.scheduledStats(scheduledJobs()));

  /** A gauge filled by `fill` at each scrape; a failed fill leaves it empty and is counted. */
  const gauge = (name: string, help: string, labelNames: readonly string[], fill: (g: Gauge) => void | Promise<void>) => {
    errors.inc({ gauge: name }, 0);
    return new Gauge({
      name,
      help,
      labelNames: [...labelNames],
      registers,
      async collect() {
        const done = (async () => {
          this.reset();
          try {
            await fill(this);
          } catch (err) {
            this.reset();
            // prom-client keeps an unlabelled gauge at 0 after reset(); NaN says "unknown" instead.
            if (labelNames.length === 0) this.set(NaN);
            errors.inc({ gauge: name });
            report(`collect ${name}`, err);
          }
        })();
        collecting.add(done);
        try {
          await done;
        } finally {
          collecting.delete(done);
        }
      },
    });
  };

  // The scheduler, as this process sees it.
  gauge('nightshift_scheduler_up', 'Whether this process holds the scheduler lease and fires cron ticks (1) or not (0).', [], (g) =>
    g.set(sources().scheduler?.currentRole === 'leader' ? 1 : 0),
  );
  gauge('nightshift_scheduler_enabled', 'JOBS_ENABLED: whether this process may schedule and run jobs.', [], (g) =>
    g.set(sources().scheduler?.enabled ? 1 : 0),
  );
  gauge('nightshift_scheduler_role', "This process's scheduler role: 1 for the current one (leader, standby, stopped, disabled).", ['role'], (g) => {
    const role = sources().scheduler?.currentRole ?? 'disabled';
    for (const r of ROLES) g.set({ role: r }, r === role ? 1 : 0);
  });
  gauge('nightshift_scheduler_jobs', 'Scheduled jobs registered (job files with a schedule).', [], (g) => g.set(scheduledJobs().length));
  gauge('nightshift_scheduler_runs_in_progress', 'Scheduled-job runs open in the ledger now, in any process on this database.', ['job_name'], async (g) => {
    const { inProgress } = await schedulerRuns.get(scrape());
    for (const job of scheduledJobs()) g.set({ job_name: job }, 0);
    for (const [job, n] of inProgress) g.set({ job_name: job }, n); // a job another process schedules shows too
  });
  gauge(
    'nightshift_scheduler_last_success_timestamp_seconds',
    'When the newest successful run of each scheduled job ended (Unix seconds); absent until one succeeds.',
    ['job_name'],
    async (g) => {
      for (const [job, at] of (await schedulerRuns.get(scrape())).lastSuccessAt) g.set({ job_name: job }, at / 1000);
    },
  );

  // The queue, from the database: the same for every process on it.
  gauge('nightshift_queue_jobs', 'Queue jobs in the database by status and type (pending and processing are the depth).', ['status', 'type'], async (g) => {
    const { byStatus } = await queueDepth.get(scrape());
    const known = sources().queue?.types.all().map((t) => t.name) ?? [];
    for (const status of QUEUE_STATUSES) {
      for (const type of known) g.set({ status, type }, 0);
      for (const [type, n] of byStatus[status]) g.set({ status, type }, n);
    }
  });
  gauge(
    'nightshift_queue_oldest_due_job_age_seconds',
    'How long the pending job that has been due the longest has waited since its runAt (0 when none is due).',
    [],
    async (g) => {
      const { oldestDueRunAt } = await queueDepth.get(scrape());
      g.set(oldestDueRunAt === null ? 0 : Math.max(0, Date.now() - oldestDueRunAt) / 1000);
    },
  );

  // The queue runner of this process.
  gauge('nightshift_queue_runner_up', 'Whether this process runs queue jobs (1: its runner is running).', [], (g) =>
    g.set(sources().runner?.currentState === 'running' ? 1 : 0),
  );
  gauge('nightshift_queue_runner_threads', "Worker threads of this process's queue runner (QUEUE_WORKERS; 0 without a runner).", [], (g) =>
    g.set(sources().runner?.stats().threads ?? 0),
  );
  gauge('nightshift_queue_attempts_in_flight', "Queue attempts running on this process's threads now.", [], (g) =>
    g.set(sources().runner?.stats().running ?? 0),
  );
}
