// What every backend's claim statement takes and gives back, beside its own SQL: the lease each
// chosen job gets, and the claimed rows put back in the order the engine placed them.
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
