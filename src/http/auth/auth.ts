// Bearer JWT authentication on hono's jwt middleware (HS256 pinned, Authorization header only),
// plus what it leaves out: a required exp and typed sub/role claims; then role checks.
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { jwt, sign } from 'hono/jwt';
import { ApiError } from '../errors.ts';
import { claimsSchema, type Claims, type Role } from './roles.ts';

export const JWT_ALG = 'HS256';

export type AuthEnv = { Variables: { jwtPayload: unknown; claims: Claims } };

const unauthorized = (message: string) => new ApiError(401, 'UNAUTHORIZED', message);

export function authenticate(secret: string): MiddlewareHandler<AuthEnv> {
  const verifyToken = jwt({ secret, alg: JWT_ALG });
  return createMiddleware<AuthEnv>(async (c, next) => {
    await verifyToken(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw unauthorized('Token must carry sub, role (owner, admin or staff) and exp');
      c.set('claims', claims.data);
      await next();
    });
  });
}

export function requireRole(roles: readonly Role[]): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const claims = c.get('claims');
    if (!claims) throw unauthorized('Authentication required');
    if (!roles.includes(claims.role)) throw new ApiError(403, 'FORBIDDEN', 'Insufficient permissions');
    await next();
  });
}

export interface TokenInput {
  sub: string;
  role: Role;
  ttlSeconds?: number;
}

export function signToken(input: TokenInput, secret: string, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return sign({ sub: input.sub, role: input.role, iat, exp: iat + (input.ttlSeconds ?? 3600) }, secret, JWT_ALG);
}
