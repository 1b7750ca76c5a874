import { z } from 'zod';

export const ROLES = ['owner', 'admin', 'staff'] as const;
export type Role = (typeof ROLES)[number];
export const ADMIN_ROLES: readonly Role[] = ['owner', 'admin'];

/**
 * The longest lifetime (exp - iat) a token may claim, by default: the CLI mints tokens for at most a
 * year, so anything longer (a token "valid" for millions of years) is refused.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 366 * 24 * 60 * 60;

/** The claims Nightshift requires: exp and iat are mandatory (hono only checks exp when present). */
export const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type Claims = z.infer<typeof claimsSchema>;

/** Whether the claims stay within the lifetime a token may have (and were not issued in the future). */
export function withinLifetime(claims: Claims, maxLifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS, now = Date.now()): boolean {
  return claims.exp - claims.iat <= maxLifetimeSeconds && claims.iat <= Math.floor(now / 1000) + 60;
}
