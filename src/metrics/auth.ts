// Who may scrape /metrics: Prometheus with the static METRICS_TOKEN (JWTs expire, so a scraper
// cannot hold one for long), or an owner/admin with a JWT, checked by the API's own middleware.
// Anything else gets the API's JSON errors: 401 without a valid token, 403 for staff.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authenticate, requireRole, type AuthEnv } from '../http/auth/auth.ts';
import { ADMIN_ROLES } from '../http/auth/roles.ts';

// Hashing both sides first gives equal lengths, so timingSafeEqual never leaks the token's length.
const digest = (text: string) => createHash('sha256').update(text).digest();

export function metricsAuth(options: { jwtSecret: string; metricsToken?: string }): MiddlewareHandler<AuthEnv> {
  const viaJwt = authenticate(options.jwtSecret);
  const adminOnly = requireRole(ADMIN_ROLES);
  const expected = options.metricsToken ? digest(options.metricsToken) : undefined;
  return createMiddleware<AuthEnv>(async (c, next) => {
    const presented = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (expected && presented && timingSafeEqual(digest(presented), expected)) return next();
    // Not the metrics token: it must be an owner/admin JWT (a wrong static token fails as a bad JWT: 401).
    await viaJwt(c, async () => {
      await adminOnly(c, next);
    });
  });
}
