// Retry delays: exponential with jitter, so a burst of failures (an API down) does not retry in
// lockstep. A handler's own request (retryAfter(ms)) wins over the formula.
export interface BackoffOptions {
  /** Delay after the first failed attempt. */
  baseMs: number;
  /** Upper bound before jitter. */
  maxMs: number;
  /** 0.2 = +-20%. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 10 * 60_000, jitter: 0.2 };

/** Delay before the next attempt, after `attempt` (1-based) failed. */
export function retryDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random = Math.random): number {
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const factor = 1 + options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(exponential * factor));
}
