// CSRF tokens when the host app authorizes requests (its `authorize` hook) and the dashboard keeps
// no session of its own: a token is an HMAC of the principal's actor under a random key made when
// the dashboard is built.
//
// Why this and not the double-submit cookie: the token needs no state at all (no cookie to set, no
// table), a forged form cannot carry it (another site can neither read our pages nor compute the
// HMAC without the key), and it is bound to who is acting: a token copied from one user's page is
// refused for another actor. Unlike a double-submit cookie it cannot be planted by a sibling
// subdomain that can write cookies for ours. The cost: a restart makes a new key, so a page left
// open across it gets "reload and try again", as after a new sign-in. The same-origin check
// (origin.ts) still applies next to it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../http/auth/principal.ts';

export interface HostCsrf {
  tokenFor(principal: Principal): string;
  check(principal: Principal, token: string | undefined): boolean;
}

export function createHostCsrf(key: Buffer = randomBytes(32)): HostCsrf {
  // The role is in the MAC too: a token from a page served to a viewer does not become an admin's.
  const tokenFor = (principal: Principal) =>
    createHmac('sha256', key).update(`nightshift host csrf v1\n${principal.role}\n${principal.actor ?? ''}`).digest('base64url');
  return {
    tokenFor,
    check(principal, token) {
      if (typeof token !== 'string' || token.length === 0) return false;
      const expected = Buffer.from(tokenFor(principal));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
