// Queue commands: jobs (list), job <id>, enqueue <type>, cancel <id>, retry <id>.
import { ENQUEUE_LIMITS, QUEUE_STATUSES } from '../../queue/types.ts';
import { dataOption, dateOption, enumOption, intOption, stringOption } from '../args.ts';
import type { QueueJob } from '../client/types.ts';
import type { Command } from '../context.ts';
import { duration, jsonSnippet, relativeTime, shortTime, truncate, type Painter } from '../render/format.ts';
import { fields, table } from '../render/table.ts';

const DEFAULT_LIMIT = 20;

export function progressText(job: Pick<QueueJob, 'status' | 'progress'>): string {
  const { processedItems, totalItems, percent } = job.progress;
  if (totalItems) return `${percent}% ${processedItems}/${totalItems}`;
  if (job.status === 'completed') return '100%';
  return processedItems > 0 ? `${processedItems} done` : '-';
}

export const jobsCommand: Command = async (ctx) => {
  const filter = {
    status: enumOption(ctx.values, 'status', QUEUE_STATUSES),
    type: stringOption(ctx.values, 'type'),
    limit: intOption(ctx.values, 'limit', 1, 500) ?? DEFAULT_LIMIT,
    offset: intOption(ctx.values, 'offset', 0, 1_000_000_000) ?? 0,
  };
  const list = await (await ctx.client()).listJobs(filter);
  if (list.jobs.length === 0) return { data: list, text: list.total > 0 ? `No jobs at offset ${list.offset} (${list.total} in all).` : 'No queue jobs.' };
  const now = Date.now();
  const rows = list.jobs.map((j) => [j.id, j.type, j.status, progressText(j), `${j.attempts}/${j.maxAttempts}`, relativeTime(j.createdAt, now), j.lastError ?? '-']);
  const text = table(
    [{ header: 'ID' }, { header: 'TYPE' }, { header: 'STATUS' }, { header: 'PROGRESS' }, { header: 'ATTEMPTS' }, { header: 'CREATED' }, { header: 'LAST ERROR', max: 48 }],
    rows,
    (r, c, t) => (c === 2 ? ctx.out.paint(list.jobs[r]!.status, t) : t),
  );
  const shown = `${list.offset + 1}-${list.offset + list.jobs.length} of ${list.total}`;
  const more = list.offset + list.jobs.length < list.total ? ` (next page: --offset ${list.offset + list.jobs.length})` : '';
  return { data: list, text: `${text}\n\nShowing ${shown}${more}.` };
};

function renderJob(job: QueueJob, paint: Painter, now = Date.now()): string {
  const when = (iso: string | null) => (iso ? `${shortTime(iso)} (${relativeTime(iso, now)})` : '-');
  const ran = job.startedAt && job.completedAt ? `, took ${duration(Date.parse(job.completedAt) - Date.parse(job.startedAt))}` : '';
  const env = job.envelope;
  const lines: [string, string][] = [
    ['Job', `${job.id} (${job.type})`],
    ['Status', `${paint(job.status)}, attempt ${job.attempts} of ${job.maxAttempts}${ran}`],
    ['Progress', progressText(job)],
    ['Created', `${when(job.createdAt)}${job.createdBy ? ` by ${job.createdBy}` : ''}`],
    ['Run at', when(job.runAt)],
    ['Started', when(job.startedAt)],
    ['Finished', when(job.completedAt)],
    ['Priority', String(job.priority)],
    ['Trace id', env.traceId],
  ];
  if (env.tenantId) lines.push(['Tenant', env.tenantId]);
  if (env.actorId) lines.push(['Actor', env.actorId]);
  if (env.requestId) lines.push(['Request id', env.requestId]);
  if (job.idempotencyKey) lines.push(['Idempotency', job.idempotencyKey]);
  lines.push(['Payload', jsonSnippet(job.payload, 200)]);
  lines.push(['Result', jsonSnippet(job.result, 200)]);
  if (job.lastError) lines.push(['Last error', truncate(job.lastError, 200)]);
  let text = fields(lines);
  if (job.errorLog.length > 0) {
    const shown = job.errorLog.slice(-10);
    text += `\n\nError log (${job.errorLog.length}${job.errorLog.length > shown.length ? `, newest ${shown.length} shown` : ''}):\n`;
    text += shown.map((e) => `  ${shortTime(e.at)}  attempt ${e.attempt}  ${truncate(e.message, 160)}`).join('\n');
  }
  return text;
}

export const jobCommand: Command = async (ctx) => {
  const job = await (await ctx.client()).getJob(ctx.argument!);
  return { data: job, text: renderJob(job, ctx.out.paint) };
};

export const enqueueCommand: Command = async (ctx) => {
  const { data } = dataOption(ctx.values);
  const request = {
    type: ctx.argument!,
    data,
    runAt: dateOption(ctx.values, 'run-at'),
    priority: intOption(ctx.values, 'priority', ENQUEUE_LIMITS.priority.min, ENQUEUE_LIMITS.priority.max),
    maxAttempts: intOption(ctx.values, 'max-attempts', ENQUEUE_LIMITS.maxAttempts.min, ENQUEUE_LIMITS.maxAttempts.max),
    idempotencyKey: stringOption(ctx.values, 'idempotency-key'),
  };
  const result = await (await ctx.client()).enqueue(request);
  const { job, created } = result;
  const text = created
    ? `Enqueued ${job.type} as job ${job.id} (${job.status}${Date.parse(job.runAt) > Date.now() + 1000 ? `, runs ${relativeTime(job.runAt)}` : ''}).`
    : `Job ${job.id} already holds this idempotency key (${job.type}, ${job.status}); nothing new was enqueued.`;
  return { data: result, text };
};

export const cancelCommand: Command = async (ctx) => {
  const result = await (await ctx.client()).cancel(ctx.argument!);
  const text =
    result.outcome === 'cancelled'
      ? `Cancelled job ${result.job.id} (${result.job.type}).`
      : `Job ${result.job.id} (${result.job.type}) is running: asked it to stop; it becomes cancelled once its handler ends or is terminated.`;
  return { data: result, text };
};

export const retryCommand: Command = async (ctx) => {
  const result = await (await ctx.client()).retry(ctx.argument!);
  return { data: result, text: `Job ${result.job.id} (${result.job.type}) is pending again, attempts reset.` };
};
