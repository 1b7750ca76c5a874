/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One queue job: live progress, cancel and retry (each behind a confirmation), payload, envelope,
// attempts, result, error log and the job_runs row of every attempt (numbered, with retries by hand
// marked: see data/attempt-history.ts).
import type { QueueJob } from '../../queue/index.ts';
import type { JobRun } from '../../runs/types.ts';
import type { DashboardPaths } from '../paths.ts';
import { attemptHistory } from '../data/attempt-history.ts';
import { formatCount, plural, shortId } from '../views/format.ts';
import { Layout, viewOnlyReason, type Shell } from '../views/layout.tsx';
import { Badge, Breadcrumbs, CsrfField, Facts, JsonBlock, Live, OutcomeNote, PageHeader, Panel, Time } from '../views/ui.tsx';
import { AttemptsTable, ErrorLog } from './queue-job-history.tsx';

export interface QueueJobPageModel {
  job: QueueJob;
  attempts: JobRun[];
}

export const canCancel = (job: QueueJob) => job.status === 'pending' || job.status === 'processing';
export const canRetry = (job: QueueJob) => job.status === 'failed' || job.status === 'cancelled';
/** Finished one way or another: nothing about it is under way any more. */
export const isSettled = (job: QueueJob) => job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled';

export const CONFIRM_TEXT = {
  cancel: {
    title: 'Cancel this job?',
    body: 'A pending job is cancelled at once. A running job is asked to stop: its handler sees the abort signal, and its thread is terminated if it does not stop within the grace period. Its progress so far is kept.',
    confirm: 'Cancel job',
    keep: 'Keep it',
  },
  retry: {
    title: 'Retry this job?',
    body: 'The job goes back to pending with a fresh set of attempts and runs as soon as a worker is free. Its error log is kept.',
    confirm: 'Retry job',
    keep: 'Not now',
  },
};

export function progressText(job: QueueJob): string {
  const p = job.progress;
  if (p.totalItems !== null) return `${p.percent}% · ${formatCount(p.processedItems)} of ${formatCount(p.totalItems)} items`;
  if (job.status === 'completed') return '100% · done';
  if (p.processedItems > 0) return `${formatCount(p.processedItems)} items so far`;
  return job.status === 'pending' ? 'Not started' : 'No progress reported';
}

function ProgressPanel(props: { job: QueueJob }) {
  const { job } = props;
  const indeterminate = job.status === 'processing' && job.progress.totalItems === null;
  const text = progressText(job);
  return (
    // data-settled tells the script that a message about a pending change ("Cancel requested") is stale.
    <div class={`progress-panel progress-${job.status}`} data-settled={isSettled(job) ? '' : undefined}>
      <div class="progress-head">
        <span id="job-progress-label" class="progress-label">
          Progress
        </span>
        <span class="progress-text" id="job-progress-text">
          {text}
        </span>
      </div>
      {indeterminate ? (
        <progress id="job-progress" class="progress-big" aria-labelledby="job-progress-label" aria-describedby="job-progress-text"></progress>
      ) : (
        <progress
          id="job-progress"
          class="progress-big"
          max={100}
          value={job.progress.percent}
          aria-labelledby="job-progress-label"
          aria-valuetext={text}
          data-percent={String(job.progress.percent)}
        >
          {job.progress.percent}%
        </progress>
      )}
    </div>
  );
}

/**
 * Cancel and retry are buttons (they act, they do not go somewhere). Each sits in a form that GETs
 * the confirmation page, so without the script it still works; the script opens the dialog named
 * by data-dialog instead.
 */
function Actions(props: { paths: DashboardPaths; job: QueueJob }) {
  const { paths } = props;
  const { job } = props;
  return (
    <div class="button-row">
      {canCancel(job) ? (
        <form method="get" action={paths.cancel(job.id)} class="inline-form">
          <button type="submit" class="button button-danger" data-dialog="cancel-dialog" aria-haspopup="dialog" id="cancel-button">
            Cancel job
          </button>
        </form>
      ) : null}
      {canRetry(job) ? (
        <form method="get" action={paths.retry(job.id)} class="inline-form">
          <button type="submit" class="button" data-dialog="retry-dialog" aria-haspopup="dialog" id="retry-button">
            Retry job
          </button>
        </form>
      ) : null}
    </div>
  );
}

/**
 * The error that ended the job (failed, cancelled) is an alert. A job that is pending or running
 * again (a retry with backoff, or by hand) shows its previous error quietly: it may be about to succeed.
 */
function LastError(props: { job: QueueJob }) {
  const { job } = props;
  // A cancel is an operator's choice, not a failure: a neutral note. The message is shown when it
  // says more than "Cancelled" (a thread that had to be terminated, a job cancelled before it started).
  if (job.status === 'cancelled') {
    return (
      <OutcomeNote
        label="Cancelled"
        title={<>Cancelled by an operator{job.completedAt ? <> at <Time iso={job.completedAt} full /></> : null}</>}
        message={job.lastError}
        hideMessage="Cancelled"
      />
    );
  }
  // Completing a job clears last_error; a row completed by an older version may still carry one.
  if (!job.lastError || job.status === 'completed') return null;
  if (job.status === 'pending' || job.status === 'processing') {
    return (
      <div class="previous-error" role="note" aria-label="Previous attempt">
        <p class="previous-error-title">Previous attempt:</p>
        <pre class="error-text">{job.lastError}</pre>
      </div>
    );
  }
  return (
    <div class="error-box" role="note" aria-label="Last error">
      <p class="error-box-title">Last error</p>
      <pre class="error-text">{job.lastError}</pre>
    </div>
  );
}

/** The confirmation as a modal dialog (the script opens it; without script the button's form leads to a page). */
function ConfirmDialog(props: { id: string; action: string; text: (typeof CONFIRM_TEXT)['cancel']; csrf: string; danger?: boolean }) {
  return (
    <dialog id={props.id} class="dialog" aria-labelledby={`${props.id}-title`} aria-describedby={`${props.id}-body`}>
      <form method="post" action={props.action} data-enhance="">
        <h2 id={`${props.id}-title`}>{props.text.title}</h2>
        <p id={`${props.id}-body`}>{props.text.body}</p>
        <CsrfField token={props.csrf} />
        <div class="dialog-actions">
          <button type="submit" formmethod="dialog" value="keep" class="button button-ghost" autofocus>
            {props.text.keep}
          </button>
          <button type="submit" class={props.danger ? 'button button-danger' : 'button'} data-confirm-button="">
            {props.text.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}

export function QueueJobPage(props: { shell: Shell; model: QueueJobPageModel }) {
  const paths = props.shell.paths;
  const { job, attempts } = props.model;
  const csrf = props.shell.csrf!;
  // Viewers get no cancel or retry controls (the server refuses them anyway).
  const viewOnly = viewOnlyReason(props.shell) !== undefined;
  const env = job.envelope;
  const history = attemptHistory(job, attempts);
  return (
    <Layout shell={props.shell} title={`${job.type} ${shortId(job.id)}`} section="queue">
      <Breadcrumbs
        trail={[
          { href: paths.queue, label: 'Queue' },
          { href: `${paths.queue}?type=${encodeURIComponent(job.type)}`, label: job.type },
        ]}
        current={shortId(job.id)}
      />
      <Live id="queue-job-head" class="stack" announce={`Job status: ${job.status}`}>
        <PageHeader
          eyebrow="Queue job"
          title={
            <>
              <span class="mono">{job.type}</span> <Badge status={job.status} />
            </>
          }
          subtitle={<span class="mono muted small">{job.id}</span>}
          actions={viewOnly ? undefined : <Actions paths={paths} job={job} />}
        />
        <ProgressPanel job={job} />
        <LastError job={job} />
      </Live>
      <div class="grid-2">
        <Panel title="Status" id="job-status">
          <Live id="queue-job-facts">
            <Facts
              items={[
                // A retry by hand restarts the count: say so, or "1 of 3" reads as the job's first try.
                ['Attempts', `${job.attempts} of ${job.maxAttempts}${history.retries === 0 ? '' : history.retries === 1 ? ', counted since the retry by hand' : `, counted since the last of ${plural(history.retries, 'retry', 'retries')} by hand`}`],
                ['Priority', String(job.priority)],
                ['Run at', <Time iso={job.runAt} full />],
                ['Created', <Time iso={job.createdAt} full />],
                ['Started', <Time iso={job.startedAt} empty="Not yet" full />],
                ['Finished', <Time iso={job.completedAt} empty="Not yet" full />],
                ['Updated', <Time iso={job.updatedAt} full />],
              ]}
            />
          </Live>
        </Panel>
        <Panel title="Envelope" id="envelope">
          <Facts
            items={[
              ['Tenant', env.tenantId ? <code class="mono">{env.tenantId}</code> : <span class="muted">—</span>],
              ['Actor', env.actorId ? <code class="mono">{env.actorId}</code> : <span class="muted">—</span>],
              ['Trace id', <code class="mono">{env.traceId}</code>],
              ['Request id', env.requestId ? <code class="mono">{env.requestId}</code> : <span class="muted">—</span>],
              ['Created by', job.createdBy ? <code class="mono">{job.createdBy}</code> : <span class="muted">—</span>],
              ['Idempotency key', job.idempotencyKey ? <code class="mono">{job.idempotencyKey}</code> : <span class="muted">—</span>],
            ]}
          />
        </Panel>
      </div>
      <div class="grid-2">
        <Panel title="Payload" id="payload">
          <JsonBlock value={job.payload} label="Payload" />
        </Panel>
        <Panel title="Result" id="result">
          <Live id="queue-job-result">
            <JsonBlock value={job.result} label="Result" />
          </Live>
        </Panel>
      </div>
      <Panel title="Error log" id="error-log">
        <Live id="queue-job-errors">
          <ErrorLog history={history} maxAttempts={job.maxAttempts} />
        </Live>
      </Panel>
      <Panel title="Attempts" id="attempts">
        <Live id="queue-job-attempts">
          <AttemptsTable paths={paths} history={history} maxAttempts={job.maxAttempts} />
        </Live>
      </Panel>
      {viewOnly ? null : (
        <>
          <ConfirmDialog id="cancel-dialog" action={paths.cancel(job.id)} text={CONFIRM_TEXT.cancel} csrf={csrf} danger />
          <ConfirmDialog id="retry-dialog" action={paths.retry(job.id)} text={CONFIRM_TEXT.retry} csrf={csrf} />
        </>
      )}
    </Layout>
  );
}
