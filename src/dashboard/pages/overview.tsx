/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The overview: is the scheduler up, what is scheduled and how did it last go, what is in the
// queue, and what failed recently (first, so problems are the first thing an operator sees).
import type { OverviewModel, TypeCounts } from '../data/overview.ts';
import { QUEUE_STATUSES } from '../../queue/index.ts';
import { queryString, type DashboardPaths } from '../paths.ts';
import { formatCount } from '../views/format.ts';
import { Layout, viewOnlyReason, type Shell } from '../views/layout.tsx';
import { Badge, Duration, Empty, Live, PageHeader, Panel, PanelLink, TableWrap, Time, statusLabel, truncate } from '../views/ui.tsx';
import { RunNowButton, RunsTable } from './common.tsx';

const ROLE_TEXT: Record<string, string> = {
  leader: 'Running',
  standby: 'Standing by',
  disabled: 'Disabled',
  stopped: 'Stopped',
};

function SchedulerCard(props: { model: OverviewModel }) {
  const s = props.model.scheduler;
  const note =
    s.role === 'leader'
      ? `Leader for this database · ${s.runningJobs} running now`
      : s.role === 'standby'
        ? 'Another process holds the scheduler lease'
        : s.role === 'disabled'
          ? 'JOBS_ENABLED=false: nothing is scheduled'
          : 'The scheduler is not running';
  return (
    <div class="stat stat-scheduler">
      <p class="stat-label">Scheduler</p>
      <p class="stat-value">
        <Badge status={s.role} label={ROLE_TEXT[s.role] ?? s.role} />
      </p>
      <p class="stat-note">{note}</p>
    </div>
  );
}

function QueueStat(props: { paths: DashboardPaths; status: (typeof QUEUE_STATUSES)[number]; count: number }) {
  const { paths } = props;
  return (
    <a class={`stat stat-link stat-${props.status}`} href={`${paths.queue}${queryString({ status: props.status })}`}>
      <span class="stat-label">
        <span class={`dot dot-${props.status}`} aria-hidden="true"></span>
        {statusLabel(props.status)}
      </span>
      <span class="stat-value stat-number">{formatCount(props.count)}</span>
      <span class="stat-note">queue jobs</span>
    </a>
  );
}

function Failures(props: { paths: DashboardPaths; model: OverviewModel }) {
  const { paths } = props;
  // The model's links are mount-relative (data/overview.ts builds them without a request).
  const failures = props.model.failures;
  if (failures.length === 0) {
    return (
      <div class="all-clear">
        <span class="all-clear-icon" aria-hidden="true">
          ✓
        </span>
        <span>No failures in the last 24 hours.</span>
      </div>
    );
  }
  return (
    <Panel title="Recent failures" id="failures">
      <ul class="failure-list">
        {failures.map((f) => (
          <li class="failure">
            <Badge status={f.status} />
            <div class="failure-body">
              <a href={paths.under(f.href)} class="failure-title">
                <span class="mono">{f.name}</span>
                <span class="muted"> · {f.kind === 'run' ? 'scheduled run' : 'queue job'}</span>
              </a>
              {f.error ? <p class="failure-error">{truncate(f.error, 200)}</p> : null}
            </div>
            <Time iso={f.at} />
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function ScheduledJobs(props: { paths: DashboardPaths; model: OverviewModel; csrf: string; viewOnly?: string }) {
  const { paths } = props;
  const { scheduler } = props.model;
  if (scheduler.jobs.length === 0) {
    return <Empty title="No scheduled jobs">Add a job file with a schedule to the jobs/ folder and restart.</Empty>;
  }
  const cannotRun =
    scheduler.role === 'disabled' ? 'Jobs are disabled (JOBS_ENABLED=false)' : scheduler.role === 'stopped' ? 'The scheduler is not running' : undefined;
  return (
    <TableWrap label="Scheduled jobs">
      {/* Explicit roles: on phones the rows become cards (display: grid), which would drop table semantics. */}
      <table class="table table-stack" role="table">
        <caption class="visually-hidden">Scheduled jobs</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">Job</th>
            <th scope="col" role="columnheader">Schedule</th>
            <th scope="col" role="columnheader">Last run</th>
            <th scope="col" role="columnheader">Next run</th>
            <th scope="col" role="columnheader">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup">
          {scheduler.jobs.map((job) => (
            <tr data-job={job.name} role="row">
              <td role="cell" class="cell-job">
                <a href={paths.job(job.name)} class="job-name">
                  {job.name}
                </a>
                <span class="job-description">{job.description}</span>
              </td>
              <td role="cell" data-label="Schedule">
                <span class="schedule-text">{job.scheduleText}</span>
                <code class="cron">{job.schedule}</code>
              </td>
              <td role="cell" data-label="Last run">
                {job.lastRun ? (
                  <div class="last-run">
                    <a href={paths.run(job.lastRun.id)} class="row-link">
                      <Badge status={job.lastRun.status} />
                    </a>
                    <span class="last-run-meta">
                      <Duration ms={job.lastRun.durationMs} runningSince={job.lastRun.status === 'running' ? job.lastRun.startedAt : null} />
                      <span aria-hidden="true"> · </span>
                      <Time iso={job.lastRun.startedAt} />
                    </span>
                  </div>
                ) : (
                  <span class="muted">Never run</span>
                )}
              </td>
              <td role="cell" class="nowrap" data-label="Next run">
                <Time iso={job.nextRun} empty={scheduler.role === 'disabled' ? 'Not scheduled' : '—'} />
              </td>
              <td role="cell" class="actions-cell">
                <RunNowButton paths={paths} name={job.name} csrf={props.csrf} back={paths.overview} running={job.running} disabledReason={props.viewOnly ?? cannotRun} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function QueueByType(props: { paths: DashboardPaths; rows: TypeCounts[] }) {
  const { paths } = props;
  if (props.rows.length === 0) {
    return (
      <Empty title="The queue is empty">
        Nothing has been enqueued yet. <a href={paths.enqueue}>Enqueue a job</a> to try it.
      </Empty>
    );
  }
  return (
    <TableWrap label="Queue jobs by type">
      <table class="table table-counts">
        <caption class="visually-hidden">Queue jobs by type and status</caption>
        <thead>
          <tr>
            <th scope="col">Type</th>
            {QUEUE_STATUSES.map((s) => (
              <th scope="col" class="num">
                {statusLabel(s)}
              </th>
            ))}
            <th scope="col" class="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              <th scope="row">
                <a href={`${paths.queue}${queryString({ type: row.type })}`} class="mono-link">
                  {row.type}
                </a>
              </th>
              {QUEUE_STATUSES.map((s) => (
                <td class={`num ${row.counts[s] === 0 ? 'zero' : `count-${s}`}`}>
                  {row.counts[s] === 0 ? (
                    '0'
                  ) : (
                    <a href={`${paths.queue}${queryString({ type: row.type, status: s })}`}>{formatCount(row.counts[s])}</a>
                  )}
                </td>
              ))}
              <td class="num strong">{formatCount(row.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function OverviewPage(props: { shell: Shell; model: OverviewModel }) {
  const paths = props.shell.paths;
  const { model, shell } = props;
  const s = model.scheduler;
  return (
    <Layout shell={shell} title="Overview" section="overview">
      <PageHeader
        title="Overview"
        subtitle={`${s.jobs.length} scheduled ${s.jobs.length === 1 ? 'job' : 'jobs'} · ${formatCount(model.queueTotal)} queue jobs · cron in ${s.timezone}`}
        actions={
          <a class="button" href={paths.enqueue}>
            <span class="icon-plus" aria-hidden="true"></span>Enqueue a job
          </a>
        }
      />
      <Live id="overview-stats" class="stats">
        <SchedulerCard model={model} />
        {QUEUE_STATUSES.map((status) => (
          <QueueStat paths={paths} status={status} count={model.queueCounts[status]} />
        ))}
      </Live>
      <Live id="overview-failures">
        <Failures paths={paths} model={model} />
      </Live>
      <Panel
        title="Scheduled jobs"
        id="scheduled"
        actions={<PanelLink href={paths.runs}>Run history</PanelLink>}
      >
        <Live id="scheduled-jobs">
          <ScheduledJobs paths={paths} model={model} csrf={shell.csrf!} viewOnly={viewOnlyReason(shell)} />
        </Live>
      </Panel>
      <Panel
        title="Recent runs"
        id="recent"
        actions={<PanelLink href={paths.runs}>All runs</PanelLink>}
      >
        <Live id="recent-runs">
          <RunsTable paths={paths} runs={model.recentRuns} caption="Recent runs" emptyBody="Runs appear here as soon as a job starts." />
        </Live>
      </Panel>
      <Panel
        title="Queue by type"
        id="queue-types"
        actions={<PanelLink href={paths.queue}>Queue</PanelLink>}
      >
        <Live id="queue-by-type">
          <QueueByType paths={paths} rows={model.byType} />
        </Live>
      </Panel>
    </Layout>
  );
}
