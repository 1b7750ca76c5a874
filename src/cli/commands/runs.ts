// `nightshift runs`: the run history, newest first.
import { RUN_STATUSES } from '../../runs/types.ts';
import { enumOption, intOption, stringOption } from '../args.ts';
import type { JobRun } from '../client/types.ts';
import type { Command } from '../context.ts';
import { duration, jsonSnippet, relativeTime } from '../render/format.ts';
import { table } from '../render/table.ts';

const TRIGGERS = ['schedule', 'manual', 'catch-up', 'queue'] as const;

/** What a run produced: its error if it has one, else its details. */
export function runOutcomeText(run: Pick<JobRun, 'error' | 'details'>): string {
  if (run.error) return run.error;
  return run.details && Object.keys(run.details).length > 0 ? jsonSnippet(run.details, 200) : '-';
}

export const runsCommand: Command = async (ctx) => {
  const filter = {
    name: stringOption(ctx.values, 'job'),
    status: enumOption(ctx.values, 'status', RUN_STATUSES),
    trigger: enumOption(ctx.values, 'trigger', TRIGGERS),
    limit: intOption(ctx.values, 'limit', 1, 500) ?? 20,
    offset: intOption(ctx.values, 'offset', 0, 1_000_000_000) ?? 0,
  };
  const runs = await (await ctx.client()).listRuns(filter);
  if (runs.length === 0) return { data: { runs }, text: 'No runs.' };
  const now = Date.now();
  const rows = runs.map((r) => [r.id, r.name, r.status, r.trigger, relativeTime(r.startedAt, now), duration(r.durationMs), runOutcomeText(r)]);
  const text = table(
    [{ header: 'ID' }, { header: 'JOB' }, { header: 'STATUS' }, { header: 'TRIGGER' }, { header: 'STARTED' }, { header: 'DURATION', align: 'right' }, { header: 'DETAILS / ERROR', max: 60 }],
    rows,
    (r, c, t) => (c === 2 ? ctx.out.paint(runs[r]!.status, t) : t),
  );
  return { data: { runs }, text };
};
