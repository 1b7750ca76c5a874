/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// A queue job's error log and the runs of its attempts. Runs are numbered in order ("Run 3") and
// carry the queue's attempt number within their round ("attempt 1 of 3"), with a "Retried by hand"
// marker between rounds: a manual retry resets the attempt counter, so the number alone is ambiguous.
import type { AttemptHistory, ErrorInHistory, RunInHistory } from '../data/attempt-history.ts';
import type { DashboardPaths } from '../paths.ts';
import { Badge, Duration, Empty, TableWrap, Time, truncate } from '../views/ui.tsx';

const RETRIED = 'Retried by hand';

/** The attempts table's Attempt cell: "1 of 3", within its round. */
function attemptLabel(item: Pick<RunInHistory, 'attempt' | 'counted'>, maxAttempts: number): string {
  if (!item.counted) return 'not counted (interrupted)';
  return item.attempt === undefined ? '—' : `${item.attempt} of ${maxAttempts}`;
}

/** An error-log entry written by a cancel (its run says so; else the queue's own wording). */
function isCancellation(item: ErrorInHistory, history: AttemptHistory): boolean {
  const run = item.runNumber !== undefined ? history.runs[item.runNumber - 1]?.run : undefined;
  return run ? run.status === 'cancelled' : /^Cancelled(?: before it started)?(?:$|;)/.test(item.entry.message);
}

export function ErrorLog(props: { history: AttemptHistory; maxAttempts: number }) {
  const { errors } = props.history;
  if (errors.length === 0) return <p class="muted">No errors recorded.</p>;
  // Newest first; a marker sits below the first error of each round after a retry by hand.
  const items = errors.slice().reverse();
  return (
    <ol class="error-log">
      {items.map((item) => (
        <>
          <li class={isCancellation(item, props.history) ? 'error-log-entry error-log-entry-neutral' : 'error-log-entry'}>
            <div class="error-log-meta">
              {item.runNumber !== undefined ? (
                <a class="chip chip-link" href={`#run-${item.runNumber}`}>{`Run ${item.runNumber}`}</a>
              ) : null}
              <span class="chip">{`Attempt ${item.entry.attempt} of ${props.maxAttempts}`}</span>
              <Time iso={item.entry.at} full />
            </div>
            <pre class="error-text">{item.entry.message}</pre>
          </li>
          {item.retriedBefore ? (
            <li class="history-divider" aria-label={RETRIED}>
              <span>{RETRIED}</span>
            </li>
          ) : null}
        </>
      ))}
    </ol>
  );
}

export function AttemptsTable(props: { paths: DashboardPaths; history: AttemptHistory; maxAttempts: number }) {
  const { paths } = props;
  const { runs } = props.history;
  if (runs.length === 0) return <Empty title="No attempts yet">Each attempt is recorded as a run once a worker picks the job up.</Empty>;
  const rows = runs.slice().reverse(); // newest first
  return (
    <TableWrap label="Runs of this job's attempts">
      <table class="table">
        <caption class="visually-hidden">Runs of this job's attempts, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Attempt</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((item) => (
            <>
              <tr data-run-id={item.run.id} id={`run-${item.number}`}>
                <th scope="row" class="nowrap">
                  <a href={paths.run(item.run.id)}>{`Run ${item.number}`}</a>
                </th>
                <td class={item.counted ? 'nowrap' : 'nowrap cell-muted'}>{attemptLabel(item, props.maxAttempts)}</td>
                <td>
                  <Badge status={item.run.status} />
                </td>
                <td class="nowrap">
                  <Time iso={item.run.startedAt} />
                </td>
                <td class="num nowrap">
                  <Duration ms={item.run.durationMs} runningSince={item.run.status === 'running' ? item.run.startedAt : null} />
                </td>
                <td class={item.run.error && item.run.status !== 'cancelled' ? 'cell-error' : 'cell-muted'}>{item.run.error ? truncate(item.run.error) : ''}</td>
              </tr>
              {item.retriedBefore ? (
                <tr class="history-divider-row">
                  <td colspan={6}>
                    <span class="history-divider">{RETRIED}: the attempt count started again</span>
                  </td>
                </tr>
              ) : null}
            </>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
