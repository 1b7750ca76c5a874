// `nightshift status`: the scheduler, queue counts and the scheduled jobs in one screen.
import type { StatusView } from '../client/types.ts';
import type { Command } from '../context.ts';
import { duration, relativeTime, shortTime, type Painter } from '../render/format.ts';
import { fields, table } from '../render/table.ts';
import { QUEUE_STATUSES } from '../../queue/types.ts';

export const statusCommand: Command = async (ctx) => {
  const view = await (await ctx.client()).status();
  return { data: view, text: renderStatus(view, ctx.out.paint) };
};

function schedulerLine(view: StatusView, paint: Painter): string {
  const s = view.scheduler;
  if (!s.enabled) return `${paint('cancelled', 'disabled')} (JOBS_ENABLED=false): nothing runs on a schedule`;
  const holder = s.leaseHolder;
  if (s.running && holder) return `${paint('success', 'running')}, lease held by ${holder.owner} until ${shortTime(holder.expiresAt)} (timezone ${s.timezone})`;
  const last = holder ? `; the last holder's lease ended ${relativeTime(holder.expiresAt)}` : '';
  return `${paint('failed', 'not running')}: no scheduler holds the lease, is the server up?${last}`;
}

function renderStatus(view: StatusView, paint: Painter, now = Date.now()): string {
  const where = view.mode === 'local' ? `${view.target} (local database)` : `${view.target} (server)`;
  const queue = QUEUE_STATUSES.map((s) => `${view.queue[s]} ${s}`).join(', ');
  const head = fields([
    ['Target', where],
    ['Scheduler', schedulerLine(view, paint)],
    ['Queue', queue],
  ]);
  if (view.jobs.length === 0) return `${head}\n\nNo scheduled jobs.`;
  const rows = view.jobs.map((j) => [
    j.name,
    j.schedule,
    j.scheduleText,
    j.running ? 'running' : j.lastRun ? `${j.lastRun.status} ${duration(j.lastRun.durationMs)}, ${relativeTime(j.lastRun.startedAt, now)}` : 'never',
    j.nextRun ? `${relativeTime(j.nextRun, now)} (${shortTime(j.nextRun)})` : '-',
  ]);
  const jobs = table(
    [{ header: 'JOB' }, { header: 'CRON' }, { header: 'SCHEDULE', max: 32 }, { header: 'LAST RUN' }, { header: 'NEXT RUN' }],
    rows,
    (r, c, text) => {
      const job = view.jobs[r]!;
      if (c !== 3) return text;
      return paint(job.running ? 'running' : (job.lastRun?.status ?? 'never'), text);
    },
  );
  return `${head}\n\n${jobs}`;
}
