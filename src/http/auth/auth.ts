// The API's authentication: the host app's `authorize` hook when it gives one, else bearer JWTs on
// hono's jwt middleware (HS256 pinned, Authorization header only) plus what that leaves out: a
// required exp and typed sub/role claims. Either way it sets `principal`; role checks read that.
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { jwt, sign, verify } from 'hono/jwt';
import { ApiError } from '../errors.ts';
import { principalFromClaims, principalFromHost, type AuthPrincipal, type Authorize, type PrincipalRole } from './principal.ts';
import { claimsSchema, MAX_TOKEN_LIFETIME_SECONDS, withinLifetime, type Claims, type Role } from './roles.ts';

export const JWT_ALG = 'HS256';

/** `claims` is set for JWTs only; `principal` always. */
export type AuthEnv = { Variables: { jwtPayload: unknown; claims: Claims; principal: AuthPrincipal } };

export interface AuthOptions {
  /** Verifies bearer JWTs; not used when `authorize` is given. */
  jwtSecret?: string;
  /** The host app's own authentication: when given, it alone decides (sign-in belongs to the host). */
  authorize?: Authorize;
  /** Longest lifetime (exp - iat) a JWT may claim; default a year (MAX_TOKEN_LIFETIME_SECONDS). */
  maxTokenLifetimeSeconds?: number;
}

const unauthorized = (message: string) => new ApiError(401, 'UNAUTHORIZED', message);
const MISSING_CLAIMS = 'Token must carry sub, role (owner, admin or staff), iat and exp';
const TOO_LONG = (max: number) => `Token lifetime (exp - iat) must be at most ${max} seconds, and iat not in the future`;

/**
 * A token that does not come in an Authorization header (the dashboard's sign-in form) checked as
 * the API checks bearer tokens: signature and times (HS256 only), then the claims Nightshift
 * requires. Resolves undefined when a claim is missing or mistyped; a token that fails verification
 * throws hono's error, whose name (JwtTokenExpired, JwtTokenSignatureMismatched, ...) says why.
 */
export async function verifyClaims(token: string, secret: string, maxLifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS): Promise<Claims | undefined> {
  const claims = claimsSchema.safeParse(await verify(token, secret, JWT_ALG));
  return claims.success && withinLifetime(claims.data, maxLifetimeSeconds) ? claims.data : undefined;
}

/** A secret string (the built-in JWT check, as before) or the options. */
export function authenticate(options: string | AuthOptions): MiddlewareHandler<AuthEnv> {
  const { jwtSecret, authorize, maxTokenLifetimeSeconds = MAX_TOKEN_LIFETIME_SECONDS } = typeof options === 'string' ? { jwtSecret: options, authorize: undefined } : options;
  if (authorize) {
    return createMiddleware<AuthEnv>(async (c, next) => {
      const principal = await principalFromHost(authorize, c);
      if (!principal) throw unauthorized('The host application did not grant access');
      c.set('principal', principal);
      await next();
    });
  }
  if (!jwtSecret) throw new Error('authenticate() needs a jwtSecret or an authorize hook');
  const verifyToken = jwt({ secret: jwtSecret, alg: JWT_ALG });
  return createMiddleware<AuthEnv>(async (c, next) => {
    await verifyToken(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw unauthorized(MISSING_CLAIMS);
      if (!withinLifetime(claims.data, maxTokenLifetimeSeconds)) throw unauthorized(TOO_LONG(maxTokenLifetimeSeconds));
      c.set('claims', claims.data);
      c.set('principal', principalFromClaims(claims.data));
      await next();
    });
  });
}

/**
 * The principal role a list of JWT roles asks for: a list that lets staff in is open to viewers,
 * any other (owner/admin) needs an admin. JWT principals are still checked against their exact
 * role, so an owner-only list keeps admins out as before.
 */
const principalRoleFor = (roles: readonly Role[]): PrincipalRole => (roles.includes('staff') ? 'viewer' : 'admin');

export function requireRole(roles: readonly Role[]): MiddlewareHandler<AuthEnv> {
  const needed = principalRoleFor(roles);
  return createMiddleware<AuthEnv>(async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw unauthorized('Authentication required');
    const claims = c.get('claims');
    const allowed = principal.via === 'jwt' && claims ? roles.includes(claims.role) : needed === 'viewer' || principal.role === 'admin';
    if (!allowed) throw new ApiError(403, 'FORBIDDEN', 'Insufficient permissions');
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
