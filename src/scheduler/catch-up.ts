// Missed runs: when the server was down over a due time, the job runs once at start-up, never once
// per missed tick. A job counts as missed when its latest due time is after both its last run and
// the moment this database first saw it (so a fresh install does not "catch up" on day one).
import { previousDue } from '../jobs/cron.ts';
import type { NightshiftStore } from '../store/types.ts';

export async function missedJobs(
  store: Pick<NightshiftStore, 'runs' | 'schedules'>,
  jobs: { name: string; schedule: string }[],
  timezone: string,
  now = Date.now(),
): Promise<string[]> {
  const firstSeen = await store.schedules.firstSeen(jobs.map((j) => j.name));
  const missed: string[] = [];
  for (const { name, schedule } of jobs) {
    const due = previousDue(schedule, timezone, new Date(now))?.getTime();
    if (due === undefined) continue;
    const seen = firstSeen.get(name) ?? now;
    const last = (await store.runs.lastStartedAt(name)) ?? -Infinity;
    if (due >= seen && last < due) missed.push(name);
  }
  return missed;
}
