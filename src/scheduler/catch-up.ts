// Missed runs: when the server was down over a due time, the job runs once at start-up, never once
// per missed tick. A job counts as missed when its latest due time is after both its last run and
// the moment this database first saw it (so a fresh install does not "catch up" on day one).
import type { Db } from '../db/open.ts';
import { previousDue } from '../jobs/cron.ts';

export function recordFirstSeen(db: Db, names: string[], now = Date.now()): void {
  const insert = db.prepare(`INSERT INTO scheduled_jobs (name, first_seen_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`);
  db.transaction(() => names.forEach((name) => insert.run(name, now)))();
}

export function missedJobs(
  db: Db,
  jobs: { name: string; schedule: string }[],
  timezone: string,
  now = Date.now(),
): string[] {
  const firstSeen = db.prepare(`SELECT first_seen_at FROM scheduled_jobs WHERE name = ?`);
  const lastStart = db.prepare(`SELECT MAX(started_at) FROM job_runs WHERE name = ? AND status != 'skipped'`).pluck();
  return jobs
    .filter(({ name, schedule }) => {
      const due = previousDue(schedule, timezone, new Date(now))?.getTime();
      if (due === undefined) return false;
      const seen = (firstSeen.get(name) as { first_seen_at: number } | undefined)?.first_seen_at ?? now;
      const last = (lastStart.get(name) as number | null) ?? -Infinity;
      return due >= seen && last < due;
    })
    .map((j) => j.name);
}
