// What every backend's lease statements take and give back, beside their own SQL: the lease each
// chosen job gets, the claimed rows put back in the order the engine placed them, and how an
// attempt that did not succeed is ended.
import type { QueueJobStatus } from '../queue/types.ts';
import type { ClaimedRow } from './types.ts';

export interface Claim {
  id: string;
  /** Fresh random lease token: the only key that can complete, fail or renew this attempt. */
  token: string;
  /** The run row this attempt will be recorded as. */
  runId: string;
}

/**
 * The rows an UPDATE ... RETURNING claimed, in the order of `claims` (RETURNING's order is
 * unspecified; dispatch must follow the claim's priority order). Jobs no longer pending are absent.
 */
export function inClaimOrder(claims: readonly Claim[], rows: readonly ClaimedRow[]): ClaimedRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return claims.map((c) => byId.get(c.id)).filter((r): r is ClaimedRow => r !== undefined);
}

/** An attempt ended other than by success: written only while its lease token still holds. */
export interface AttemptEnd {
  id: string;
  token: string;
  /** pending (retry, or released without counting the attempt), failed or cancelled. */
  status: Exclude<QueueJobStatus, 'processing' | 'completed'>;
  /** For pending: when to run again. */
  runAt?: number;
  /** Give the attempt back (shutdown, a neighbour's timeout): it did not fail on its own. */
  uncount?: boolean;
  /** Appended to the error log (and set as last_error) when present. */
  error?: { attempt: number; message: string };
  now: number;
}
