/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The dashboard's GET pages. Each builds its model from the scheduler, the queue and the ledger and
// renders it whole; the browser script refreshes the page's live regions from the same URL.
import { Hono } from 'hono';
import { pathsOf, shellFor, sendPage, type DashContext, type DashEnv, type Dashboard } from '../context.ts';
import { QUEUE_PAGE_SIZE, RUNS_PAGE_SIZE, readQueueQuery, readRunsQuery } from '../data/filters.ts';
import { overviewModel } from '../data/overview.ts';
import { payloadHints } from '../data/payload-hints.ts';
import { ConfirmPage } from '../pages/confirm.tsx';
import { EnqueuePage } from '../pages/enqueue.tsx';
import { JobPage } from '../pages/job.tsx';
import { MessagePage } from '../pages/message.tsx';
import { OverviewPage } from '../pages/overview.tsx';
import { QueueJobPage, canCancel, canRetry, isSettled } from '../pages/queue-job.tsx';
import { QueuePage } from '../pages/queue.tsx';
import { RunPage } from '../pages/run.tsx';
import { RunsPage } from '../pages/runs.tsx';

/** Every job name this server knows: scheduled jobs and queue types (one job file can be both). */
function knownJobNames(dash: Dashboard): string[] {
  const names = new Set([...dash.deps.scheduler.list().map((j) => j.definition.name), ...dash.deps.queue.types.all().map((t) => t.name)]);
  return [...names].sort((a, b) => a.localeCompare(b));
}

/** Why a run cannot be started from here right now, if it cannot. */
function cannotRunReason(dash: Dashboard): string | undefined {
  const role = dash.deps.scheduler.currentRole;
  if (role === 'disabled') return 'Jobs are disabled on this server (JOBS_ENABLED=false)';
  if (role === 'stopped') return 'The scheduler is not running';
  return undefined;
}

export function notFoundPage(c: DashContext, dash: Dashboard, title: string, body: string, back = { href: pathsOf(c).overview, label: 'Back to the overview' }) {
  return sendPage(
    c,
    <MessagePage shell={shellFor(c, dash)} title={title} tone="info" actions={[back]}>
      <p>{body}</p>
    </MessagePage>,
    404,
  );
}

/** A queue job that is gone: a page for its confirm page or for an action on it. */
export function queueJobNotFound(c: DashContext, dash: Dashboard) {
  return notFoundPage(c, dash, 'Queue job not found', 'No queue job has this id.', { href: pathsOf(c).queue, label: 'Back to the queue' });
}

export function pageRoutes(dash: Dashboard) {
  const { store, scheduler, queue } = dash.deps;
  const app = new Hono<DashEnv>();

  app.get('/', async (c) => sendPage(c, <OverviewPage shell={shellFor(c, dash)} model={await overviewModel(dash.deps)} />));

  app.get('/runs', async (c) => {
    const query = readRunsQuery(c.req.query());
    const rows = await store.runs.list({
      name: query.job,
      status: query.status,
      trigger: query.trigger,
      startedFrom: query.fromMs,
      startedBefore: query.toMs,
      limit: RUNS_PAGE_SIZE + 1,
      offset: (query.page - 1) * RUNS_PAGE_SIZE,
    });
    const model = { query, runs: rows.slice(0, RUNS_PAGE_SIZE), hasMore: rows.length > RUNS_PAGE_SIZE, jobNames: knownJobNames(dash), now: Date.now() };
    return sendPage(c, <RunsPage shell={shellFor(c, dash)} model={model} />);
  });

  app.get('/runs/:id', async (c) => {
    const run = await store.runs.get(c.req.param('id'));
    if (!run) return notFoundPage(c, dash, 'Run not found', 'No run has this id. It may have been pruned by the retention job.', { href: pathsOf(c).runs, label: 'Back to the run history' });
    const status = await scheduler.getJobStatus(run.name);
    const model = { run, canRunAgain: status !== undefined && cannotRunReason(dash) === undefined, jobRunning: status?.running ?? false };
    return sendPage(c, <RunPage shell={shellFor(c, dash)} model={model} />);
  });

  app.get('/jobs/:name', async (c) => {
    const name = c.req.param('name');
    const status = await scheduler.getJobStatus(name);
    const type = queue.types.get(name);
    const runs = await store.runs.list({ name, limit: 40 });
    if (!status && !type && runs.length === 0) {
      return notFoundPage(c, dash, 'Job not found', `No job file defines a job named "${name}", and it has no runs.`);
    }
    const model = {
      name,
      description: status?.description ?? type?.job.definition.description,
      status,
      queue: type && { maxAttempts: type.maxAttempts, timeoutMs: type.timeoutMs, takesPayload: Boolean(type.job.definition.payload), concurrency: type.concurrency },
      runs,
      cannotRun: cannotRunReason(dash),
    };
    return sendPage(c, <JobPage shell={shellFor(c, dash)} model={model} />);
  });

  app.get('/queue', async (c) => {
    const query = readQueueQuery(c.req.query());
    const { jobs, total } = await queue.list({ status: query.status, type: query.type, limit: QUEUE_PAGE_SIZE, offset: (query.page - 1) * QUEUE_PAGE_SIZE });
    const model = { query, jobs, total, counts: await queue.counts(), types: queue.types.all().map((t) => t.name).sort() };
    return sendPage(c, <QueuePage shell={shellFor(c, dash)} model={model} />);
  });

  app.get('/queue/new', (c) => {
    const hints = payloadHints(queue.types.all());
    const type = hints.find((h) => h.type === c.req.query('type'));
    const values = { type: type?.type ?? '', payload: type?.example ?? '{}', priority: '', maxAttempts: '', tenantId: '', idempotencyKey: '' };
    return sendPage(c, <EnqueuePage shell={shellFor(c, dash)} hints={hints} values={values} errors={{}} />);
  });

  app.get('/queue/:id', async (c) => {
    const job = await queue.get(c.req.param('id'));
    if (!job) return notFoundPage(c, dash, 'Queue job not found', 'No queue job has this id. Finished jobs are deleted after the retention period.', { href: pathsOf(c).queue, label: 'Back to the queue' });
    const attempts = await store.runs.list({ jobId: job.id, limit: 100 });
    const shell = shellFor(c, dash);
    // "Cancel requested" is stale if the job already stopped: say how it ended instead (the badge
    // and the note show the rest).
    if (shell.flash?.untilSettled && isSettled(job)) shell.flash = job.status === 'cancelled' ? { tone: 'success', text: 'Job cancelled.' } : undefined;
    return sendPage(c, <QueueJobPage shell={shell} model={{ job, attempts }} />);
  });

  for (const action of ['cancel', 'retry'] as const) {
    app.get(`/queue/:id/${action}`, async (c) => {
      const job = await queue.get(c.req.param('id'));
      if (!job) return queueJobNotFound(c, dash);
      const allowed = action === 'cancel' ? canCancel(job) : canRetry(job);
      if (!allowed) return c.redirect(pathsOf(c).queueJob(job.id), 303);
      return sendPage(c, <ConfirmPage shell={shellFor(c, dash)} job={job} action={action} />);
    });
  }

  return app;
}
