/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The queue: jobs newest first, by status (tabs with live counts) and type, a page at a time.
import { QUEUE_STATUSES, type QueueCounts, type QueueJob } from '../../queue/index.ts';
import { QUEUE_PAGE_SIZE, type QueueQuery } from '../data/filters.ts';
import { queryString, type DashboardPaths } from '../paths.ts';
import { formatCount, shortId } from '../views/format.ts';
import { Layout, type Shell } from '../views/layout.tsx';
import { Badge, Empty, FilterProblems, Live, PageHeader, Pagination, Panel, SelectField, TableWrap, Time, statusLabel, truncate } from '../views/ui.tsx';

export interface QueuePageModel {
  query: QueueQuery;
  jobs: QueueJob[];
  total: number;
  counts: QueueCounts;
  types: string[];
}

function ProgressCell(props: { job: QueueJob }) {
  const { job } = props;
  const p = job.progress;
  if (job.status === 'pending' && p.processedItems === 0) return <span class="muted">—</span>;
  if (p.totalItems === null && job.status !== 'completed') {
    return <span class="muted">{p.processedItems ? `${formatCount(p.processedItems)} items` : '—'}</span>;
  }
  return (
    <span class="progress-cell">
      <progress max={100} value={p.percent} aria-label={`Progress of job ${shortId(job.id)}`}>
        {p.percent}%
      </progress>
      <span class="progress-value">{p.percent}%</span>
    </span>
  );
}

function StatusTabs(props: { paths: DashboardPaths; model: QueuePageModel }) {
  const { paths } = props;
  const { query, counts } = props.model;
  const all = QUEUE_STATUSES.reduce((n, s) => n + counts[s], 0);
  const tab = (status: string | undefined, label: string, count: number) => (
    <li>
      <a
        href={`${paths.queue}${queryString({ status, type: query.type })}`}
        class="tab"
        aria-current={query.status === status ? 'page' : undefined}
      >
        {label}
        <span class="tab-count">{formatCount(count)}</span>
      </a>
    </li>
  );
  return (
    <nav aria-label="Queue status" class="tabs">
      <ul>
        {tab(undefined, 'All', all)}
        {QUEUE_STATUSES.map((s) => tab(s, statusLabel(s), counts[s]))}
      </ul>
    </nav>
  );
}

function JobsTable(props: { paths: DashboardPaths; jobs: QueueJob[] }) {
  const { paths } = props;
  return (
    <TableWrap label="Queue jobs">
      <table class="table">
        <caption class="visually-hidden">Queue jobs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Created</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {props.jobs.map((job) => (
            <tr data-queue-job={job.id}>
              <td>
                <a href={paths.queueJob(job.id)} class="mono-link" title={job.id}>
                  {shortId(job.id)}
                </a>
              </td>
              <td class="mono">{job.type}</td>
              <td>
                <Badge status={job.status} />
              </td>
              <td>
                <ProgressCell job={job} />
              </td>
              <td class="num">{`${job.attempts} / ${job.maxAttempts}`}</td>
              <td class="nowrap">
                <Time iso={job.createdAt} />
              </td>
              <td class={job.status === 'cancelled' ? 'cell-muted' : 'cell-error'}>{truncate(job.lastError, 100)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function QueuePage(props: { shell: Shell; model: QueuePageModel }) {
  const paths = props.shell.paths;
  const { model } = props;
  const { query } = model;
  const base = { status: query.status, type: query.type };
  const first = (query.page - 1) * QUEUE_PAGE_SIZE + 1;
  const last = first + model.jobs.length - 1;
  const pages = Math.max(1, Math.ceil(model.total / QUEUE_PAGE_SIZE));
  const types = query.type && !model.types.includes(query.type) ? [...model.types, query.type] : model.types;
  return (
    <Layout shell={props.shell} title="Queue" section="queue">
      <PageHeader
        title="Queue"
        subtitle="Jobs enqueued from the API, from application code or from here, newest first."
        actions={
          <a class="button" href={`${paths.enqueue}${queryString({ type: query.type })}`}>
            <span class="icon-plus" aria-hidden="true"></span>Enqueue a job
          </a>
        }
      />
      <Live id="queue-tabs">
        <StatusTabs paths={paths} model={model} />
      </Live>
      <form method="get" action={paths.queue} class="filters filters-inline" aria-label="Filter queue jobs">
        {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
        <SelectField id="q-type" name="type" label="Type" value={query.type} anyLabel="All types" options={types.map((t) => ({ value: t, label: t }))} />
        <div class="filter-actions">
          <button type="submit" class="button button-secondary">
            Apply
          </button>
          {query.type ? (
            <a class="button button-ghost" href={`${paths.queue}${queryString({ status: query.status })}`}>
              Clear type
            </a>
          ) : null}
        </div>
      </form>
      <FilterProblems problems={query.problems} />
      <Panel title={query.status ? `${statusLabel(query.status)} jobs` : 'All jobs'} id="queue-jobs">
        <Live id="queue-table">
          {model.jobs.length === 0 ? (
            <Empty title={model.total === 0 && !query.status && !query.type ? 'The queue is empty' : 'No jobs match'}>
              {model.total === 0 && !query.status && !query.type ? (
                <>
                  Nothing has been enqueued yet. <a href={paths.enqueue}>Enqueue a job</a> to see it run.
                </>
              ) : (
                'Try another status or type.'
              )}
            </Empty>
          ) : (
            <JobsTable paths={paths} jobs={model.jobs} />
          )}
          <Pagination
            summary={model.total === 0 ? 'No jobs' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(model.total)} · page ${query.page} of ${pages}`}
            prev={query.page > 1 ? `${paths.queue}${queryString({ ...base, page: query.page - 1 > 1 ? query.page - 1 : undefined })}` : undefined}
            next={query.page < pages ? `${paths.queue}${queryString({ ...base, page: query.page + 1 })}` : undefined}
          />
        </Live>
      </Panel>
    </Layout>
  );
}
