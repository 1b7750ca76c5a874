// Bearer JWT authentication on hono's jwt middleware (HS256 pinned, Authorization header only),
// plus what it leaves out: a required exp and typed sub/role claims; then role checks.
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { jwt, sign, verify } from 'hono/jwt';
import { ApiError } from '../errors.ts';
import { claimsSchema, type Claims, type Role } from './roles.ts';

export const JWT_ALG = 'HS256';

export type AuthEnv = { Variables: { jwtPayload: unknown; claims: Claims } };

const unauthorized = (message: string) => new ApiError(401, 'UNAUTHORIZED', message);
const MISSING_CLAIMS = 'Token must carry sub, role (owner, admin or staff) and exp';

/**
 * A token that does not come in an Authorization header (the dashboard's sign-in form) checked as
 * the API checks bearer tokens: signature and times (HS256 only), then the claims Nightshift
 * requires. Resolves undefined when a claim is missing or mistyped; a token that fails verification
 * throws hono's error, whose name (JwtTokenExpired, JwtTokenSignatureMismatched, ...) says why.
 */
export async function verifyClaims(token: string, secret: string): Promise<Claims | undefined> {
  const claims = claimsSchema.safeParse(await verify(token, secret, JWT_ALG));
  return claims.success ? claims.data : undefined;
}

export function authenticate(secret: string): MiddlewareHandler<AuthEnv> {
  const verifyToken = jwt({ secret, alg: JWT_ALG });
  return createMiddleware<AuthEnv>(async (c, next) => {
    await verifyToken(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw unauthorized(MISSING_CLAIMS);
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
