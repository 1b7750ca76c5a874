/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Pieces more than one page uses: the run-now button, run rows, a table of runs.
import type { JobRun } from '../../runs/types.ts';
import type { DashboardPaths } from '../paths.ts';
import { Badge, CsrfField, Duration, Empty, TableWrap, Time, truncate } from '../views/ui.tsx';

const TRIGGER_LABELS: Record<string, string> = { schedule: 'Schedule', manual: 'Manual', 'catch-up': 'Catch-up', queue: 'Queue' };
export const triggerLabel = (t: string) => TRIGGER_LABELS[t] ?? t;

export function RunNowButton(props: { paths: DashboardPaths; name: string; csrf: string; back: string; disabledReason?: string; running?: boolean }) {
  const { paths } = props;
  const disabled = props.running || props.disabledReason !== undefined;
  return (
    <form method="post" action={paths.runNow(props.name)} class="inline-form" data-enhance="">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
      <button
        type="submit"
        class="button button-small"
        id={`run-now-${props.name}`}
        // The name starts with the visible text, so "click Run now" works for speech input (WCAG 2.5.3).
        aria-label={props.running ? `${props.name} is running` : `Run now: ${props.name}`}
        title={props.disabledReason}
        disabled={disabled}
      >
        {props.running ? (
          <>
            <span class="spinner" aria-hidden="true"></span>Running
          </>
        ) : (
          <>
            <span class="icon-play" aria-hidden="true"></span>Run now
          </>
        )}
      </button>
    </form>
  );
}

/** The status of a run's outcome in words for a table cell: its error, or a summary of details. */
function runSummary(run: JobRun): string {
  if (run.error) return truncate(run.error);
  if (run.details && Object.keys(run.details).length) {
    return truncate(
      Object.entries(run.details)
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(', '),
    );
  }
  return '';
}

export function RunsTable(props: { paths: DashboardPaths; runs: JobRun[]; caption: string; showJob?: boolean; emptyTitle?: string; emptyBody?: string }) {
  const { paths } = props;
  if (props.runs.length === 0) return <Empty title={props.emptyTitle ?? 'No runs yet'}>{props.emptyBody}</Empty>;
  const showJob = props.showJob ?? true;
  return (
    <TableWrap label={props.caption}>
      <table class="table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            {showJob ? <th scope="col">Job</th> : null}
            <th scope="col">Trigger</th>
            <th scope="col">Started</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => (
            <tr data-run-id={run.id} data-job={run.name}>
              <td>
                <a href={paths.run(run.id)} class="row-link">
                  <Badge status={run.status} />
                  <span class="visually-hidden"> (open run)</span>
                </a>
              </td>
              {showJob ? (
                <td>
                  <a href={paths.job(run.name)} class="mono-link">
                    {run.name}
                  </a>
                </td>
              ) : null}
              <td>
                <span class="chip">{triggerLabel(run.trigger)}</span>
              </td>
              <td class="nowrap">
                <Time iso={run.startedAt} />
              </td>
              <td class="num nowrap">
                <Duration ms={run.durationMs} runningSince={run.status === 'running' ? run.startedAt : null} />
              </td>
              <td class={run.error && run.status !== 'cancelled' && run.status !== 'skipped' ? 'cell-error' : 'cell-muted'}>{runSummary(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
