/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The confirmation step as a page, for browsers without the script (with it, a dialog opens instead).
import type { QueueJob } from '../../queue/index.ts';
import { shortId } from '../views/format.ts';
import { Layout, type Shell } from '../views/layout.tsx';
import { Badge, CsrfField } from '../views/ui.tsx';
import { CONFIRM_TEXT } from './queue-job.tsx';

export function ConfirmPage(props: { shell: Shell; job: QueueJob; action: 'cancel' | 'retry' }) {
  const paths = props.shell.paths;
  const text = CONFIRM_TEXT[props.action];
  const { job } = props;
  const target = props.action === 'cancel' ? paths.cancel(job.id) : paths.retry(job.id);
  return (
    <Layout shell={props.shell} title={text.title} section="queue">
      <section class="panel confirm-panel" aria-labelledby="confirm-title">
        <h1 id="confirm-title">{text.title}</h1>
        <p>
          <span class="mono">{job.type}</span> <span class="mono muted">{shortId(job.id)}</span> <Badge status={job.status} />
        </p>
        <p>{text.body}</p>
        <form method="post" action={target} class="button-row">
          <CsrfField token={props.shell.csrf!} />
          <button type="submit" class={props.action === 'cancel' ? 'button button-danger' : 'button'}>
            {text.confirm}
          </button>
          <a class="button button-ghost" href={paths.queueJob(job.id)}>
            {text.keep}
          </a>
        </form>
      </section>
    </Layout>
  );
}
