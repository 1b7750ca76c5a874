// Who may scrape /metrics: Prometheus with the static METRICS_TOKEN (JWTs expire, so a scraper
// cannot hold one for long), or an admin: an owner/admin JWT, or, when the host app gives an
// `authorize` hook, a principal it calls admin (checked by the API's own middleware either way).
// Anything else gets the API's JSON errors: 401 without access, 403 for staff or viewers.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authenticate, requireRole, type AuthEnv } from '../http/auth/auth.ts';
import type { Authorize } from '../http/auth/principal.ts';
import { ADMIN_ROLES } from '../http/auth/roles.ts';

// Hashing both sides first gives equal lengths, so timingSafeEqual never leaks the token's length.
const digest = (text: string) => createHash('sha256').update(text).digest();

export interface MetricsAuthOptions {
  jwtSecret?: string;
  metricsToken?: string;
  authorize?: Authorize;
  maxTokenLifetimeSeconds?: number;
}

export function metricsAuth(options: MetricsAuthOptions): MiddlewareHandler<AuthEnv> {
  const asUser = authenticate({ jwtSecret: options.jwtSecret, authorize: options.authorize, maxTokenLifetimeSeconds: options.maxTokenLifetimeSeconds });
  const adminOnly = requireRole(ADMIN_ROLES);
  const expected = options.metricsToken ? digest(options.metricsToken) : undefined;
  return createMiddleware<AuthEnv>(async (c, next) => {
    const presented = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (expected && presented && timingSafeEqual(digest(presented), expected)) return next();
    // Not the metrics token: it must be an admin (a wrong static token fails as a bad JWT: 401).
    await asUser(c, async () => {
      await adminOnly(c, next);
    });
  });
}
