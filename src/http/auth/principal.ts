// Who is asking, whatever established it: a Nightshift JWT (the built-in sign-in) or the host app's
// own authentication through an `authorize` hook. The API, the dashboard and /metrics all decide
// from this one shape: a viewer may read, an admin may also act.
import type { Context } from 'hono';
import type { Claims } from './roles.ts';

export type PrincipalRole = 'admin' | 'viewer';

export interface Principal {
  role: PrincipalRole;
  /** Recorded as the actor of what this principal enqueues, and shown in the dashboard. */
  actor?: string;
}

/**
 * The host's answer for a request: a principal, or null for "no access". May be async (a session
 * lookup). It sees the request as the host's own middleware left it (cookies, c.get of its vars).
 */
export type Authorize = (c: Context) => Principal | null | Promise<Principal | null>;

/** A principal and how it was established. */
export interface AuthPrincipal extends Principal {
  via: 'jwt' | 'host';
}

export type PrincipalEnv = { Variables: { principal: AuthPrincipal } };

/** JWT roles: owner and admin act, staff reads. */
export function principalFromClaims(claims: Pick<Claims, 'sub' | 'role'>): AuthPrincipal {
  return { role: claims.role === 'staff' ? 'viewer' : 'admin', actor: claims.sub, via: 'jwt' };
}

/**
 * Asks the host. What it returns is checked: a typo in a role ("Admin") must not pass as access,
 * and is a bug of the host's to surface (an error, logged as one), not a silent 401.
 */
export async function principalFromHost(authorize: Authorize, c: Context): Promise<AuthPrincipal | null> {
  const answer = await authorize(c);
  if (answer === null || answer === undefined) return null;
  if (typeof answer !== 'object' || (answer.role !== 'admin' && answer.role !== 'viewer')) {
    throw new TypeError(`authorize() must return { role: 'admin' | 'viewer', actor? } or null; got ${JSON.stringify(answer)}`);
  }
  const actor = typeof answer.actor === 'string' && answer.actor.length > 0 ? answer.actor : undefined;
  return { role: answer.role, actor, via: 'host' };
}

export const canAct = (principal: Principal): boolean => principal.role === 'admin';
