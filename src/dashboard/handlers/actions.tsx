/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The dashboard's POST actions (behind the session and CSRF guard): run now, enqueue, cancel,
// retry. Each is a plain form post answered by a redirect with a one-shot message, so it works
// without script; the script submits the same forms in the background and refreshes the page.
import { Hono } from 'hono';
import { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from '../../scheduler/errors.ts';
import { pathsOf, sendPage, shellFor, type DashEnv, type Dashboard } from '../context.ts';
import { enqueueValues, mapQueueError, parseEnqueueForm } from '../data/enqueue-form.ts';
import { payloadHints } from '../data/payload-hints.ts';
import { setFlash } from '../flash.ts';
import { safeDashboardPath } from '../paths.ts';
import { EnqueuePage } from '../pages/enqueue.tsx';
import { notFoundPage, queueJobNotFound } from './pages.tsx';

async function formOf(c: { req: { parseBody(): Promise<Record<string, unknown>> } }): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody();
  } catch {
    return {};
  }
}

export function actionRoutes(dash: Dashboard) {
  const { scheduler, queue, logger } = dash.deps;
  const app = new Hono<DashEnv>();

  app.post('/jobs/:name/run', async (c) => {
    const name = c.req.param('name');
    const form = await formOf(c);
    const paths = pathsOf(c);
    const back = safeDashboardPath(form.back, paths.base) ?? paths.job(name);
    const sub = c.get('principal').actor;
    try {
      const handle = await scheduler.runNow(name, 'manual');
      logger.info('Run started from the dashboard', { job: name, runId: handle.runId, sub });
      setFlash(c, { tone: 'success', text: `Started a run of ${name}.`, link: { href: paths.run(handle.runId), label: 'View the run' } });
    } catch (err) {
      if (err instanceof UnknownJobError) return notFoundPage(c, dash, 'Job not found', `There is no scheduled job named "${name}".`);
      if (err instanceof JobAlreadyRunningError) {
        setFlash(c, { tone: 'error', text: `${name} is already running; a second run was not started.`, link: { href: paths.run(err.runningRunId), label: 'View the running run' } });
      } else if (err instanceof JobsDisabledError) {
        setFlash(c, { tone: 'error', text: 'Jobs are disabled on this server (JOBS_ENABLED=false): nothing was started.' });
      } else if (err instanceof SchedulerNotRunningError) {
        setFlash(c, { tone: 'error', text: 'The scheduler is starting or stopping: nothing was started. Try again in a moment.' });
      } else {
        throw err;
      }
    }
    return c.redirect(back, 303);
  });

  app.post('/queue/new', async (c) => {
    const values = enqueueValues(await formOf(c));
    const hints = payloadHints(queue.types.all());
    const invalid = (errors: Parameters<typeof EnqueuePage>[0]['errors']) =>
      sendPage(c, <EnqueuePage shell={shellFor(c, dash)} hints={hints} values={values} errors={errors} />, 400);
    const parsed = parseEnqueueForm(values, (t) => queue.types.get(t) !== undefined);
    if (!parsed.ok) return invalid(parsed.errors);
    const sub = c.get('principal').actor;
    let result;
    try {
      result = await queue.enqueue({ ...parsed.input, actorId: sub, createdBy: sub, traceId: c.get('traceId'), requestId: c.get('requestId') });
    } catch (err) {
      return invalid(mapQueueError(err));
    }
    const { job, created } = result;
    logger.info('Job enqueued from the dashboard', { job: job.type, jobId: job.id, sub, created });
    setFlash(c, created ? { tone: 'success', text: `Enqueued ${job.type}.` } : { tone: 'info', text: 'A job with this idempotency key already exists: here it is.' });
    return c.redirect(pathsOf(c).queueJob(job.id), 303);
  });

  app.post('/queue/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const { outcome, job } = await queue.cancel(id);
    if (outcome === 'not_found') return queueJobNotFound(c, dash);
    logger.info('Cancel requested from the dashboard', { jobId: id, outcome, sub: c.get('principal').actor });
    if (outcome === 'cancelled') setFlash(c, { tone: 'success', text: 'Job cancelled.' });
    else if (outcome === 'cancelling') setFlash(c, { tone: 'info', text: 'Cancel requested: the job stops at its next check, or its thread is terminated after the grace period.', untilSettled: true });
    else setFlash(c, { tone: 'error', text: `This job already finished (${job!.status}): there was nothing to cancel.` });
    return c.redirect(pathsOf(c).queueJob(id), 303);
  });

  app.post('/queue/:id/retry', async (c) => {
    const id = c.req.param('id');
    const { outcome, job } = await queue.retry(id);
    if (outcome === 'not_found') return queueJobNotFound(c, dash);
    logger.info('Retry requested from the dashboard', { jobId: id, outcome, sub: c.get('principal').actor });
    if (outcome === 'retried') setFlash(c, { tone: 'success', text: 'Job retried: it is pending again.' });
    else setFlash(c, { tone: 'error', text: `Only failed or cancelled jobs can be retried; this one is ${job!.status}.` });
    return c.redirect(pathsOf(c).queueJob(id), 303);
  });

  return app;
}
