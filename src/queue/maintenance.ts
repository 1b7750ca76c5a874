// The runner's periodic upkeep, apart from claiming: renewing the leases it holds, recovering jobs
// that stopped runners left (the store's upkeep), and noticing cancels flagged by other processes.
import { isOwnerGone } from '../core/owner.ts';
import { FailureEpisode } from '../log/episode.ts';
import { errorFields, type Logger } from '../log/logger.ts';
import type { NightshiftStore, Recovered, UpkeepResult } from '../store/types.ts';
import type { Flights } from './flights.ts';

export interface Upkeep {
  store: NightshiftStore;
  logger: Logger;
  flights: Flights;
  owner: string;
  leaseMs: number;
  /** Upkeep failures (a full disk fails every round): logged when they start and when they end. */
  failures?: FailureEpisode;
}

/** The runner's upkeep failure episode (see FailureEpisode). */
export const upkeepFailures = (logger: Logger) =>
  new FailureEpisode(logger, { failed: 'Queue runner could not renew leases', recovered: 'Queue runner renews leases again' });

/**
 * Renews our leases, then recovers expired or orphaned jobs of any runner (at start and every
 * leaseMs/3). Returns what was recovered (the runner claims it again at once).
 */
export async function renewAndRecover(u: Upkeep, now = Date.now()): Promise<Recovered[]> {
  const mine = [...u.flights.values()].filter((f) => !f.leaseLost);
  let result: UpkeepResult;
  try {
    result = await u.store.jobs.upkeep({ now, owner: u.owner, leaseMs: u.leaseMs, held: mine, isOwnerGone });
  } catch (err) {
    if (u.failures) u.failures.failed(err);
    else u.logger.error('Queue runner could not renew leases', errorFields(err));
    return [];
  }
  u.failures?.succeeded();
  const { recovered, ...renewed } = result;
  // Not renewed: someone recovered it (we were frozen past the lease).
  for (const f of mine) if (!renewed.held.has(f.id)) u.flights.leaseLost(f);
  for (const id of renewed.cancel) u.flights.cancel(id);
  for (const r of recovered) {
    u.logger.warn('Recovered a job from a stopped runner', { job: r.type, jobId: r.id, traceId: r.traceId, reason: r.reason, owner: r.owner, status: r.status });
  }
  return recovered;
}

/** Cancels asked for in another process (Queue.cancel there only flags the row). */
export async function pollCancels(u: Upkeep): Promise<void> {
  if (u.flights.size === 0) return;
  try {
    const ids = [...u.flights.values()].filter((f) => !f.cancelRequested && !f.leaseLost).map((f) => f.id);
    for (const id of await u.store.jobs.cancelRequested(ids)) u.flights.cancel(id);
  } catch (err) {
    u.logger.error('Queue runner could not poll for cancels', errorFields(err));
  }
}

/**
 * Warns, once per type, about ready jobs of a type this runner has no job file for: it never
 * claims them (it reads only its own types), so without this they would wait unnoticed.
 */
export async function warnUnhandledTypes(u: Upkeep, handled: (type: string) => boolean, warned: Set<string>): Promise<void> {
  if (!u.store.jobs.readyTypes) return;
  try {
    for (const type of await u.store.jobs.readyTypes()) {
      if (handled(type) || warned.has(type)) continue;
      warned.add(type);
      u.logger.warn('Queue has jobs of a type no job file here handles; this runner leaves them pending', { job: type });
    }
  } catch (err) {
    u.logger.error('Queue runner could not list ready job types', errorFields(err));
  }
}

/** A one-shot timer that can only be moved earlier (the next due job, the next run-row check). */
export class Alarm {
  private timer?: NodeJS.Timeout;
  private at = Infinity;

  constructor(private readonly fire: () => void) {}

  /** Fires at `at` (epoch ms) unless already set to fire sooner. */
  set(at: number): void {
    if (at >= this.at) return;
    clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => {
      this.at = Infinity;
      this.timer = undefined;
      this.fire();
    }, Math.min(Math.max(0, at - Date.now()) + 1, 2 ** 31 - 1));
    this.timer.unref();
  }

  get armed(): boolean {
    return this.timer !== undefined;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Infinity;
  }
}
