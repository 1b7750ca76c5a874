/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Run history: every job_runs row, newest first, filtered by job, status, trigger and start time.
import type { JobRun } from '../../runs/types.ts';
import { RUN_STATUSES } from '../../runs/types.ts';
import { RUN_TRIGGERS, RUNS_PAGE_SIZE, toUtcLocal, type RunsQuery } from '../data/filters.ts';
import { queryString, type DashboardPaths } from '../paths.ts';
import { Layout, type Shell } from '../views/layout.tsx';
import { FilterProblems, Live, PageHeader, Pagination, Panel, SelectField, statusLabel } from '../views/ui.tsx';
import { RunsTable, triggerLabel } from './common.tsx';

export interface RunsPageModel {
  query: RunsQuery;
  runs: JobRun[];
  hasMore: boolean;
  jobNames: string[];
  now: number;
}

const PRESETS = [
  { label: 'Last hour', ms: 60 * 60_000 },
  { label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
  { label: 'Last 7 days', ms: 7 * 24 * 60 * 60_000 },
];

function filterParams(q: RunsQuery) {
  return { job: q.job, status: q.status, trigger: q.trigger, from: q.from, to: q.to };
}

function Filters(props: { paths: DashboardPaths; model: RunsPageModel }) {
  const { paths } = props;
  const { query, jobNames, now } = props.model;
  const names = query.job && !jobNames.includes(query.job) ? [...jobNames, query.job] : jobNames;
  const active = Object.values(filterParams(query)).some((v) => v !== undefined);
  return (
    // Two rows: the fields (they wrap by width, the time fields wide enough for a full date and
    // time), then the buttons and the quick ranges. Buttons never stack: "Clear" sits beside "Apply".
    <form method="get" action={paths.runs} class="run-filters" aria-label="Filter runs">
      <div class="run-filter-fields">
        <SelectField id="f-job" name="job" label="Job" value={query.job} anyLabel="All jobs" options={names.map((n) => ({ value: n, label: n }))} />
        <SelectField id="f-status" name="status" label="Status" value={query.status} anyLabel="Any status" options={RUN_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))} />
        <SelectField id="f-trigger" name="trigger" label="Trigger" value={query.trigger} anyLabel="Any trigger" options={RUN_TRIGGERS.map((t) => ({ value: t, label: triggerLabel(t) }))} />
        <div class="field field-time">
          <label for="f-from">Started from (UTC)</label>
          <input type="datetime-local" id="f-from" name="from" value={query.from ?? ''} />
        </div>
        <div class="field field-time">
          <label for="f-to">Started before (UTC)</label>
          <input type="datetime-local" id="f-to" name="to" value={query.to ?? ''} />
        </div>
      </div>
      <div class="run-filter-footer">
        <div class="filter-actions">
          <button type="submit" class="button">
            Apply filters
          </button>
          {active ? (
            <a href={paths.runs} class="button button-ghost">
              Clear
            </a>
          ) : null}
        </div>
        <p class="presets">
          <span class="muted">Quick range:</span>
          {PRESETS.map((p) => (
            <a href={`${paths.runs}${queryString({ ...filterParams(query), from: toUtcLocal(now - p.ms), to: undefined })}`}>{p.label}</a>
          ))}
        </p>
      </div>
    </form>
  );
}

export function RunsPage(props: { shell: Shell; model: RunsPageModel }) {
  const paths = props.shell.paths;
  const { model } = props;
  const { query } = model;
  const base = filterParams(query);
  const first = (query.page - 1) * RUNS_PAGE_SIZE + 1;
  const summary =
    model.runs.length === 0 ? 'No runs' : `Runs ${first}–${first + model.runs.length - 1}${model.hasMore ? '' : ` (end of history)`}`;
  return (
    <Layout shell={props.shell} title="Runs" section="runs">
      <PageHeader title="Run history" subtitle="Every run of every job: scheduled, manual, catch-up and queue attempts, newest first." />
      <Panel title="Filters" id="filters" headingLevel={2}>
        <Filters paths={paths} model={model} />
        <FilterProblems problems={query.problems} />
      </Panel>
      <Panel title="Runs" id="runs">
        <Live id="runs-table">
          <RunsTable paths={paths}
            runs={model.runs}
            caption="Runs matching the filters"
            emptyTitle={Object.values(base).some(Boolean) ? 'No runs match these filters' : 'No runs yet'}
            emptyBody={Object.values(base).some(Boolean) ? 'Try a wider time range or another status.' : 'Runs appear here as soon as a job starts.'}
          />
          <Pagination
            summary={summary}
            prev={query.page > 1 ? `${paths.runs}${queryString({ ...base, page: query.page - 1 > 1 ? query.page - 1 : undefined })}` : undefined}
            next={model.hasMore ? `${paths.runs}${queryString({ ...base, page: query.page + 1 })}` : undefined}
            prevLabel="Newer"
            nextLabel="Older"
          />
        </Live>
      </Panel>
    </Layout>
  );
}
