// The overview page's data: scheduler state, each scheduled job's status, queue counts, recent
// failures and recent runs. Every query here is served by an index (see the store's reads and
// its ledger), so a page refreshing every 1.5 s stays cheap on a large history.
import type { AppDeps } from '../../http/deps.ts';
import type { JobRun } from '../../runs/types.ts';
import { QUEUE_STATUSES, type QueueCounts, type QueueJob } from '../../queue/index.ts';
import { dashboardPaths } from '../paths.ts';

const FAILURE_WINDOW_MS = 24 * 60 * 60_000;

export interface TypeCounts {
  type: string;
  description: string | undefined;
  counts: QueueCounts;
  total: number;
}

export interface Failure {
  kind: 'run' | 'queue';
  at: string;
  name: string;
  status: string;
  error: string | null;
  href: string;
}

export interface OverviewModel {
  scheduler: Awaited<ReturnType<AppDeps['scheduler']['getStatus']>>;
  queueCounts: QueueCounts;
  queueTotal: number;
  byType: TypeCounts[];
  failures: Failure[];
  recentRuns: JobRun[];
}

const sum = (c: QueueCounts) => c.pending + c.processing + c.completed + c.failed + c.cancelled;

/** Failed or abandoned runs of scheduled jobs and failed queue jobs of the last day, newest first. */
async function recentFailures(deps: AppDeps, limit = 6, now = Date.now()): Promise<Failure[]> {
  const since = now - FAILURE_WINDOW_MS;
  const runs: JobRun[] = [];
  // One index range per scheduled job (name, id): never a scan of the whole (queue-heavy) ledger.
  for (const job of deps.scheduler.list()) {
    runs.push(...(await deps.store.runs.list({ name: job.definition.name, statuses: ['failed', 'abandoned'], startedFrom: since, limit })));
  }
  const failedJobs: QueueJob[] = (await deps.queue.list({ status: 'failed', limit })).jobs.filter((j) => Date.parse(j.updatedAt) >= since);
  const failures: Failure[] = [
    ...runs.map((r) => ({ kind: 'run' as const, at: r.startedAt, name: r.name, status: r.status, error: r.error, href: dashboardPaths.run(r.id) })),
    ...failedJobs.map((j) => ({ kind: 'queue' as const, at: j.updatedAt, name: j.type, status: j.status, error: j.lastError, href: dashboardPaths.queueJob(j.id) })),
  ];
  return failures.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
}

export async function overviewModel(deps: AppDeps): Promise<OverviewModel> {
  const byType = [...(await deps.queue.countsByType())].map(([type, counts]) => ({
    type,
    description: deps.queue.types.get(type)?.job.definition.description,
    counts,
    total: sum(counts),
  }));
  byType.sort((a, b) => a.type.localeCompare(b.type));
  // The totals are the sum of the per-type counts: no second count of the whole table on every
  // refresh (queue.counts() would read the same rows again), and the two always agree.
  const queueCounts: QueueCounts = { pending: 0, processing: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const { counts } of byType) for (const status of QUEUE_STATUSES) queueCounts[status] += counts[status];
  return {
    scheduler: await deps.scheduler.getStatus(),
    queueCounts,
    queueTotal: sum(queueCounts),
    byType,
    failures: await recentFailures(deps),
    recentRuns: await deps.store.runs.list({ limit: 8 }),
  };
}
