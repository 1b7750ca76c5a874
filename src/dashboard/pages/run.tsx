/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One run: when, how long, how it ended, what it returned, its error, and its queue job if any.
import type { JobRun } from '../../runs/types.ts';
import { shortId } from '../views/format.ts';
import { Layout, viewOnlyReason, type Shell } from '../views/layout.tsx';
import { Badge, Breadcrumbs, Duration, Facts, JsonBlock, Live, OutcomeNote, PageHeader, Panel, Time } from '../views/ui.tsx';
import { RunNowButton, triggerLabel } from './common.tsx';

export interface RunPageModel {
  run: JobRun;
  /** Set when the job is scheduled here: the page offers "Run again". */
  canRunAgain: boolean;
  jobRunning: boolean;
}

/**
 * How the run ended, when there is something to say: a failure (or an abandoned run) is a red
 * alert; a cancel or a skip is nobody's failure, so it is a neutral note.
 */
function Outcome(props: { run: JobRun }) {
  const { run } = props;
  if (run.status === 'cancelled') {
    return <OutcomeNote label="Cancelled" title={<>Cancelled{run.endedAt ? <> at <Time iso={run.endedAt} full /></> : null}</>} message={run.error} hideMessage="Cancelled" />;
  }
  if (run.status === 'skipped') return <OutcomeNote label="Skipped" title="Skipped: this run did not happen" message={run.error} />;
  if (!run.error) return null;
  return (
    <div class="error-box" role="note" aria-label="Error">
      <p class="error-box-title">Error</p>
      <pre class="error-text">{run.error}</pre>
    </div>
  );
}

export function RunPage(props: { shell: Shell; model: RunPageModel }) {
  const paths = props.shell.paths;
  const { run } = props.model;
  return (
    <Layout shell={props.shell} title={`Run of ${run.name}`} section="runs">
      <Breadcrumbs
        trail={[
          { href: paths.runs, label: 'Runs' },
          { href: paths.job(run.name), label: run.name },
        ]}
        current={shortId(run.id)}
      />
      <Live id="run-detail" class="stack" announce={`Run status: ${run.status}`}>
        <PageHeader
          eyebrow="Run"
          title={
            <>
              <span class="mono">{run.name}</span> <Badge status={run.status} />
            </>
          }
          subtitle={<span class="mono muted small">{run.id}</span>}
          actions={
            props.model.canRunAgain ? (
              <RunNowButton paths={paths} name={run.name} csrf={props.shell.csrf!} back={paths.run(run.id)} running={props.model.jobRunning} disabledReason={viewOnlyReason(props.shell)} />
            ) : undefined
          }
        />
        <Outcome run={run} />
        <div class="grid-2">
          <Panel title="Timing" id="timing">
            <Facts
              items={[
                ['Status', <Badge status={run.status} />],
                ['Trigger', <span class="chip">{triggerLabel(run.trigger)}</span>],
                ['Started', <Time iso={run.startedAt} full />],
                ['Ended', <Time iso={run.endedAt} full empty={run.status === 'running' ? 'Still running' : '—'} />],
                ['Duration', <Duration ms={run.durationMs} runningSince={run.status === 'running' ? run.startedAt : null} />],
              ]}
            />
          </Panel>
          <Panel title="Context" id="context">
            <Facts
              items={[
                ['Job', <a href={paths.job(run.name)} class="mono-link">{run.name}</a>],
                ['Queue job', run.jobId ? <a href={paths.queueJob(run.jobId)} class="mono-link">{run.jobId}</a> : <span class="muted">— (not a queue run)</span>],
                ['Trace id', run.traceId ? <code class="mono">{run.traceId}</code> : <span class="muted">—</span>],
                ['Run id', <code class="mono">{run.id}</code>],
              ]}
            />
          </Panel>
        </div>
        <Panel title="Details" id="details">
          <JsonBlock value={run.details} label="Details the job returned" />
        </Panel>
      </Live>
    </Layout>
  );
}
