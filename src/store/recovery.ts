// How a job whose runner is gone is recovered: the same decision on every backend (only the SQL
// that reads and writes it differs). Its cancel request wins, then its attempts left.
import type { Recovered } from './types.ts';

export interface StaleJob {
  attempts: number;
  max_attempts: number;
  cancel_requested: number | boolean;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export function recoveryOf(job: StaleJob, now: number): { reason: Recovered['reason']; status: 'pending' | 'failed' | 'cancelled'; message: string } {
  const reason: Recovered['reason'] = job.lease_expires_at !== null && job.lease_expires_at < now ? 'lease_expired' : 'owner_gone';
  const status = job.cancel_requested ? ('cancelled' as const) : job.attempts >= job.max_attempts ? ('failed' as const) : ('pending' as const);
  const message =
    reason === 'lease_expired'
      ? `Attempt ${job.attempts} abandoned: its lease expired (the runner ${job.lease_owner ?? '?'} stopped renewing it)`
      : `Attempt ${job.attempts} abandoned: the process running it (${job.lease_owner ?? '?'}) is gone`;
  return { reason, status, message };
}
