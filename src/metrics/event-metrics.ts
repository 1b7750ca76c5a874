// Counters and histograms of things that happen in this process, fed by the scheduler's and the
// queue runner's observer hooks. They are monotonic for the life of the process (Prometheus'
// rate() and increase() expect that), unlike counts of job_runs rows, which shrink when
// pruneHistory deletes old history. Labels are bounded: job and type names come from job files,
// statuses and outcomes from fixed unions; nothing a client sends ever becomes a label. A job's
// name is the label job_name, not job: Prometheus sets `job` on every series to the scrape job
// and would rename ours to exported_job.
import { Counter, Histogram, type Registry } from 'prom-client';
import type { QueueJob } from '../queue/types.ts';
import { attemptOutcome, type Applied } from '../queue/outcomes.ts';
import type { QueueRunnerEvents } from '../queue/runner-types.ts';
import type { SchedulerEvents } from '../scheduler/types.ts';

/** Seconds; jobs here last from a few ms (a queue ping) to the 30-minute end of long cleanups. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800];

export interface EventMetrics {
  scheduler: SchedulerEvents;
  runner: QueueRunnerEvents;
  manualRetry(job: QueueJob): void;
  /** Zero series for the jobs and types this process knows, so increase() works from the first event. */
  initialise(scheduledJobs: readonly string[], queueTypes: readonly string[]): void;
}

/** `report` receives any error an observer hit: observers run inside the scheduler and runner and must not throw. */
export function createEventMetrics(registry: Registry, report: (where: string, err: unknown) => void): EventMetrics {
  const registers = [registry];
  const runs = new Counter({
    name: 'nightshift_scheduler_runs_total',
    help: 'Scheduled-job runs this process closed, by job_name, final status and trigger (status skipped: a tick found the previous run still going).',
    labelNames: ['job_name', 'status', 'trigger'],
    registers,
  });
  const runSeconds = new Histogram({
    name: 'nightshift_scheduler_run_duration_seconds',
    help: 'Duration of scheduled-job runs this process closed, by job_name and final status.',
    labelNames: ['job_name', 'status'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const abandoned = new Counter({
    name: 'nightshift_scheduler_abandoned_runs_total',
    help: 'Runs left running by a stopped process (or past their timeout) that this process closed as abandoned.',
    registers,
  });
  const attempts = new Counter({
    name: 'nightshift_queue_attempts_total',
    help: 'Queue job attempts this process ended, by type and outcome (completed, retried, failed, cancelled, released, discarded).',
    labelNames: ['type', 'outcome'],
    registers,
  });
  const attemptSeconds = new Histogram({
    name: 'nightshift_queue_attempt_duration_seconds',
    help: 'Duration of queue job attempts this process ended (dispatch to written outcome), by type and outcome.',
    labelNames: ['type', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'nightshift_queue_retries_total',
    help: 'Queue jobs put back to pending for another attempt: kind backoff (a failed attempt with attempts left) or manual (retried by hand).',
    labelNames: ['type', 'kind'],
    registers,
  });
  const recoveries = new Counter({
    name: 'nightshift_queue_lease_recoveries_total',
    help: 'Processing queue jobs this process took back from a stopped runner, by type and reason (lease_expired, owner_gone).',
    labelNames: ['type', 'reason'],
    registers,
  });

  const guarded =
    <A extends unknown[]>(where: string, fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        report(where, err);
      }
    };

  return {
    scheduler: {
      runFinished: guarded('scheduler.runFinished', ({ name, status, trigger, durationMs }) => {
        runs.inc({ job_name: name, status, trigger });
        if (durationMs !== null) runSeconds.observe({ job_name: name, status }, durationMs / 1000);
      }),
      abandonedClosed: guarded('scheduler.abandonedClosed', (count: number) => abandoned.inc(count)),
    },
    runner: {
      attemptEnded: guarded('runner.attemptEnded', (a: Applied, now: number) => {
        const type = a.attempt.type;
        const outcome = attemptOutcome(a);
        attempts.inc({ type, outcome });
        if (outcome !== 'discarded') attemptSeconds.observe({ type, outcome }, Math.max(0, now - a.attempt.startedAt) / 1000);
        if (outcome === 'retried') retries.inc({ type, kind: 'backoff' });
      }),
      recovered: guarded('runner.recovered', (jobs) => {
        for (const job of jobs) recoveries.inc({ type: job.type, reason: job.reason });
      }),
    },
    manualRetry: guarded('queue.retry', (job: QueueJob) => retries.inc({ type: job.type, kind: 'manual' })),
    initialise(scheduledJobs, queueTypes) {
      for (const job of scheduledJobs) for (const status of ['success', 'failed']) runs.inc({ job_name: job, status, trigger: 'schedule' }, 0);
      for (const type of queueTypes) {
        for (const outcome of ['completed', 'failed'] as const) attempts.inc({ type, outcome }, 0);
        retries.inc({ type, kind: 'backoff' }, 0);
        for (const reason of ['lease_expired', 'owner_gone']) recoveries.inc({ type, reason }, 0);
      }
      abandoned.inc(0);
    },
  };
}
