// Checks a pasted token with the API's own check (verifyClaims in src/http/auth/auth.ts: HS256
// pinned, then the claims schema, which makes exp mandatory), and says in words what is wrong, for
// the sign-in page.
import { JWT_ALG, verifyClaims } from '../../http/auth/auth.ts';
import { ADMIN_ROLES, type Claims } from '../../http/auth/roles.ts';

export type TokenVerdict =
  | { ok: true; claims: Claims & { role: 'owner' | 'admin' } }
  | { ok: false; status: 401; message: string }
  | { ok: false; status: 403; claims: Claims; message: string };

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/** Accepts the bare token, "Bearer <token>", or the whole sign-in link (…/sign-in#token=<token>). */
function extractToken(input: string): string {
  let text = input.trim();
  const fromLink = /[#&?]token=([\w.-]+)/.exec(text);
  if (fromLink) text = fromLink[1]!;
  return text.replace(/^bearer\s+/i, '').trim();
}

function decodeHeader(token: string): { alg?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function verifyDashboardToken(input: string, secret: string, maxLifetimeSeconds?: number): Promise<TokenVerdict> {
  const token = extractToken(input);
  if (!token) return { ok: false, status: 401, message: 'Paste a token to sign in.' };
  if (!JWT_SHAPE.test(token)) return { ok: false, status: 401, message: 'That does not look like a token. Paste the whole output of npm run token.' };
  let claims: Claims | undefined;
  try {
    claims = await verifyClaims(token, secret, maxLifetimeSeconds);
  } catch (err) {
    return { ok: false, status: 401, message: explain(err as Error, token) };
  }
  if (!claims) {
    return { ok: false, status: 401, message: 'This token is missing a claim or lives too long: it must carry sub, role (owner, admin or staff), iat and exp, and last at most a year.' };
  }
  const role = claims.role;
  if (!ADMIN_ROLES.includes(role)) {
    return { ok: false, status: 403, claims, message: `This token is for the ${role} role. The dashboard is for owners and admins.` };
  }
  return { ok: true, claims: { ...claims, role: role as 'owner' | 'admin' } };
}

function explain(err: Error, token: string): string {
  switch (err.name) {
    case 'JwtTokenExpired':
      return 'This token has expired. Run npm run token for a fresh one.';
    case 'JwtTokenSignatureMismatched':
      // The usual cause without JWT_SECRET: the development secret is kept next to the database,
      // so a token made with another DATABASE_PATH is signed with another secret.
      return "This token was not signed with this server's JWT_SECRET. Make it with the server's JWT_SECRET, or, if none is set, with the server's DATABASE_PATH (the development secret is kept next to the database).";
    case 'JwtAlgorithmMismatch':
    case 'JwtHeaderInvalid': {
      const alg = decodeHeader(token)?.alg;
      return typeof alg === 'string' && alg !== JWT_ALG
        ? `This token is signed with ${alg}; this server only accepts ${JWT_ALG}.`
        : 'This token has an invalid header.';
    }
    case 'JwtTokenNotBefore':
    case 'JwtTokenIssuedAt':
      return 'This token is not valid yet (check the clock of the machine that made it).';
    default:
      return 'This token could not be read. Paste the whole output of npm run token.';
  }
}
