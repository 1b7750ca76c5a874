/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// One run: when, how long, how it ended, what it returned, its error, and its queue job if any.
import type { JobRun } from '../../runs/ledger.ts';
import { dashboardPaths } from '../paths.ts';
import { shortId } from '../views/format.ts';
import { Layout, type Shell } from '../views/layout.tsx';
import { Badge, Breadcrumbs, Duration, Facts, JsonBlock, Live, PageHeader, Panel, Time } from '../views/ui.tsx';
import { RunNowButton, triggerLabel } from './common.tsx';

export interface RunPageModel {
  run: JobRun;
  /** Set when the job is scheduled here: the page offers "Run again". */
  canRunAgain: boolean;
  jobRunning: boolean;
}

export function RunPage(props: { shell: Shell; model: RunPageModel }) {
  const { run } = props.model;
  return (
    <Layout shell={props.shell} title={`Run of ${run.name}`} section="runs">
      <Breadcrumbs
        trail={[
          { href: dashboardPaths.runs, label: 'Runs' },
          { href: dashboardPaths.job(run.name), label: run.name },
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
              <RunNowButton name={run.name} csrf={props.shell.csrf!} back={dashboardPaths.run(run.id)} running={props.model.jobRunning} />
            ) : undefined
          }
        />
        {run.error ? (
          <div class="error-box" role="note" aria-label="Error">
            <p class="error-box-title">{run.status === 'skipped' ? 'Why it was skipped' : 'Error'}</p>
            <pre class="error-text">{run.error}</pre>
          </div>
        ) : null}
        <div class="grid-2">
          <Panel title="Timing" id="timing">
            <Facts
              items={[
                ['Status', <Badge status={run.status} />],
                ['Trigger', <span class="chip">{triggerLabel(run.trigger)}</span>],
                ['Started', <Time iso={run.startedAt} />],
                ['Ended', <Time iso={run.endedAt} empty={run.status === 'running' ? 'Still running' : '—'} />],
                ['Duration', <Duration ms={run.durationMs} runningSince={run.status === 'running' ? run.startedAt : null} />],
              ]}
            />
          </Panel>
          <Panel title="Context" id="context">
            <Facts
              items={[
                ['Job', <a href={dashboardPaths.job(run.name)} class="mono-link">{run.name}</a>],
                ['Queue job', run.jobId ? <a href={dashboardPaths.queueJob(run.jobId)} class="mono-link">{run.jobId}</a> : <span class="muted">— (not a queue run)</span>],
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
