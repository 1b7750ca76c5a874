/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One job: what it is, its schedule and queue settings, a chart of its recent durations, and its
// recent runs.
import type { JobRun } from '../../runs/types.ts';
import type { JobStatus } from '../../scheduler/status.ts';
import { queryString, type DashboardPaths } from '../paths.ts';
import { DurationChart, durationStats } from '../views/chart.tsx';
import { formatDuration } from '../views/format.ts';
import { Layout, viewOnlyReason, type NavSection, type Shell } from '../views/layout.tsx';
import { Badge, Breadcrumbs, Facts, Live, PageHeader, Panel, PanelLink, Time } from '../views/ui.tsx';
import { RunNowButton, RunsTable } from './common.tsx';

export interface JobPageModel {
  name: string;
  description: string | undefined;
  /** Set for scheduled jobs. */
  status: JobStatus | undefined;
  /** Set when the job can be enqueued (every loaded job file can). */
  queue: { maxAttempts: number; timeoutMs: number; takesPayload: boolean; concurrency: number | undefined } | undefined;
  runs: JobRun[];
  /** Why run-now is not possible (jobs disabled, scheduler stopped), if it is not. */
  cannotRun?: string;
}

const CHART_RUNS = 40;

/** Run outcomes the success rate leaves out, in the order the note lists them. */
const NOT_COUNTED = [
  // An operator's choice, not the job's failure.
  ['cancelled', 'cancelled'],
  // The run did not happen: the previous one was still running.
  ['skipped', 'skipped'],
  // The process running it died or was stopped: nobody knows how the job would have ended.
  ['abandoned', 'abandoned'],
] as const;

export interface SuccessRate {
  /** Whole percent of success / (success + failed); undefined when neither happened. */
  percent: number | undefined;
  /** What the percentage is of, and what it leaves out: "of 10 runs that succeeded or failed; 3 cancelled not counted". */
  note: string;
}

/** Success rate of the given runs: only runs that succeeded or failed count; a running one is not finished. */
export function successRate(runs: readonly JobRun[]): SuccessRate {
  const count = (status: string) => runs.filter((r) => r.status === status).length;
  const success = count('success');
  const decided = success + count('failed');
  const left = NOT_COUNTED.map(([status, word]) => [count(status), word] as const).filter(([n]) => n > 0);
  const leftOut = left.length ? `; ${left.map(([n, word]) => `${n} ${word}`).join(', ')} not counted` : '';
  if (decided === 0) return { percent: undefined, note: `No run has succeeded or failed yet${leftOut}` };
  const percent = Math.round((success / decided) * 100);
  // "100% of the last run" reads oddly: with one run, say what the percentage stands for.
  if (decided === 1) return { percent, note: `from a single run, which ${success ? 'succeeded' : 'failed'}${leftOut}` };
  return { percent, note: `of the last ${decided} runs that succeeded or failed${leftOut}` };
}

/**
 * Where a job lives in the navigation: a scheduled job is on the overview, a queue-only job type
 * under the queue, and a job known only from its runs (no job file now) under the run history.
 */
export function homeOf(model: Pick<JobPageModel, 'status' | 'queue'>, paths: DashboardPaths): { section: NavSection; crumb: { href: string; label: string } } {
  if (model.status) return { section: 'overview', crumb: { href: paths.overview, label: 'Overview' } };
  if (model.queue) return { section: 'queue', crumb: { href: paths.queue, label: 'Queue' } };
  return { section: 'runs', crumb: { href: paths.runs, label: 'Runs' } };
}

export function JobPage(props: { shell: Shell; model: JobPageModel }) {
  const paths = props.shell.paths;
  const { model, shell } = props;
  const status = model.status;
  const stats = durationStats(model.runs);
  const rate = successRate(model.runs);
  const home = homeOf(model, paths);
  return (
    <Layout shell={shell} title={model.name} section={home.section}>
      <Breadcrumbs trail={[home.crumb]} current={model.name} />
      <PageHeader
        eyebrow={status ? 'Scheduled job' : 'Queue job type'}
        title={<span class="mono">{model.name}</span>}
        subtitle={model.description ?? 'This job has runs in the history but no job file is loaded now.'}
        actions={
          <>
            {model.queue ? (
              <>
                {status ? null : (
                  <a class="button button-ghost" href={`${paths.queue}${queryString({ type: model.name })}`}>
                    Jobs in the queue
                  </a>
                )}
                <a class="button button-ghost" href={`${paths.enqueue}${queryString({ type: model.name })}`}>
                  Enqueue
                </a>
              </>
            ) : null}
            {status ? (
              <Live id="job-run-now" class="inline-live">
                <RunNowButton paths={paths} name={model.name} csrf={shell.csrf!} back={paths.job(model.name)} running={status.running} disabledReason={viewOnlyReason(shell) ?? model.cannotRun} />
              </Live>
            ) : null}
          </>
        }
      />
      <Live id="job-summary">
        <div class="stats stats-4">
          <div class="stat">
            <p class="stat-label">Last run</p>
            <p class="stat-value">{model.runs[0] ? <Badge status={model.runs[0].status} /> : <span class="muted">Never</span>}</p>
            <p class="stat-note">{model.runs[0] ? <Time iso={model.runs[0].startedAt} /> : 'No runs yet'}</p>
          </div>
          <div class="stat">
            <p class="stat-label">Next run</p>
            <p class="stat-value stat-text">{status?.nextRun ? <Time iso={status.nextRun} /> : <span class="muted">{status ? 'Not scheduled' : 'On demand'}</span>}</p>
            <p class="stat-note">{status ? status.scheduleText : 'Runs when enqueued'}</p>
          </div>
          <div class="stat">
            <p class="stat-label">Success rate</p>
            <p class="stat-value stat-number">{rate.percent !== undefined ? `${rate.percent}%` : '—'}</p>
            <p class="stat-note">{rate.note}</p>
          </div>
          <div class="stat">
            <p class="stat-label">Median duration</p>
            <p class="stat-value stat-number">{stats ? formatDuration(stats.median) : '—'}</p>
            <p class="stat-note">{stats ? `p95 ${formatDuration(stats.p95)} · max ${formatDuration(stats.max)}` : 'No finished runs'}</p>
          </div>
        </div>
      </Live>
      <Panel title="Recent durations" id="chart">
        <Live id="job-chart">
          <DurationChart paths={paths} runs={model.runs.slice(0, CHART_RUNS)} jobName={model.name} />
        </Live>
      </Panel>
      <div class="grid-2 grid-wide-left">
        <Panel
          title="Recent runs"
          id="job-runs"
          actions={<PanelLink href={`${paths.runs}${queryString({ job: model.name })}`}>All runs of this job</PanelLink>}
        >
          <Live id="job-runs-table">
            <RunsTable paths={paths} runs={model.runs.slice(0, 15)} caption={`Recent runs of ${model.name}`} showJob={false} />
          </Live>
        </Panel>
        <Panel title="Settings" id="settings">
          <Facts
            items={[
              ['Schedule', status ? <span>{status.scheduleText} <code class="cron">{status.schedule}</code></span> : <span class="muted">None (queue only)</span>],
              ['Timeout', formatDuration(status?.timeoutMs ?? model.queue?.timeoutMs)],
              ['Max attempts', model.queue ? String(model.queue.maxAttempts) : '—'],
              ['Concurrency cap', model.queue?.concurrency !== undefined ? String(model.queue.concurrency) : 'None'],
              ['Payload', model.queue ? (model.queue.takesPayload ? 'JSON, checked by the job’s schema' : 'None') : '—'],
            ]}
          />
        </Panel>
      </div>
    </Layout>
  );
}
