// Tokens for local use: `nightshift token` and `npm run token` (scripts/token.ts) share this, and
// the CLI mints a short-lived admin token here for --url when none is given. A token is signed with
// the server's secret (JWT_SECRET, or the development secret kept next to the database), so only
// someone on the server's host, or holding its secret, can produce one.
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../app/config.ts';
import { resolveJwtSecret, secretFilePath } from '../app/jwt-secret.ts';
import { signToken } from '../http/auth/auth.ts';
import { ROLES, type Role } from '../http/auth/roles.ts';
import { usageError } from './errors.ts';

export interface MintedToken {
  token: string;
  role: Role;
  sub: string;
  expiresAt: string;
  /**
   * Opens the dashboard signed in; the token travels in the fragment, which browsers never send.
   * Null for a staff token: the dashboard refuses staff, so a link would only lead to a 403 page.
   */
  signInUrl: string | null;
  /** For a staff token: what it is good for instead (printed in place of the link). */
  note?: string;
}

/** The dashboard and the owner/admin API refuse staff (src/http/app.ts, src/dashboard). */
const STAFF_NOTE =
  'staff tokens can call staff-level API routes only (e.g. GET /api/v1/jobs/<id>/progress); they cannot open the dashboard or drive nightshift --url';

export function parseRole(value: string | undefined): Role {
  const role = (value ?? 'admin') as Role;
  if (!ROLES.includes(role)) throw usageError(`--role must be one of: ${ROLES.join(', ')}`);
  return role;
}

/** A year: sign-in tokens are meant to be short-lived, and a longer expiry would not fit a Date. */
const MAX_TTL_SECONDS = 31_536_000;

export function parseTtl(value: string | undefined, fallback = 3600): number {
  if (value === undefined) return fallback;
  const ttl = Number(value);
  if (!/^\d+$/.test(value) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
    throw usageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS} (a year)`);
  }
  return ttl;
}

/** Where the dashboard of this configuration is: the server's URL if known, else localhost:PORT. */
function dashboardBase(config: Config, url?: string): string {
  return (url ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
}

export function signInLink(base: string, token: string): string {
  return `${base}/dashboard/sign-in#token=${token}`;
}

/** Signs a token with the configured secret (in development, generating it on first use like the server). */
export async function mintToken(config: Config, input: { role: Role; sub?: string; ttlSeconds: number; url?: string }): Promise<MintedToken> {
  let secret: string;
  try {
    secret = resolveJwtSecret(config);
  } catch (err) {
    if (err instanceof ConfigError) throw usageError(err.message, 'NO_SECRET');
    throw err;
  }
  const sub = input.sub ?? `local-${input.role}`;
  const now = Date.now();
  const token = await signToken({ sub, role: input.role, ttlSeconds: input.ttlSeconds }, secret, now);
  return {
    token,
    role: input.role,
    sub,
    expiresAt: new Date((Math.floor(now / 1000) + input.ttlSeconds) * 1000).toISOString(),
    ...(input.role === 'staff' ? { signInUrl: null, note: STAFF_NOTE } : { signInUrl: signInLink(dashboardBase(config, input.url), token) }),
  };
}

/**
 * The secret a server on this host uses, if this host has it: JWT_SECRET, or an existing development
 * secret file. Never creates one (a new secret would sign tokens no server accepts).
 */
function existingSecret(config: Config): string | undefined {
  if (config.jwtSecret) return config.jwtSecret;
  const file = secretFilePath(config.databasePath);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
}

/** localhost, 127.0.0.0/8, ::1 (or 0.0.0.0 and ::, which connect to this host): a server on this host. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host)) return true;
  return ['::1', '0.0.0.0', '::'].includes(host);
}

/**
 * For --url without --token or NIGHTSHIFT_TOKEN: a 5-minute admin token, for a server on this host
 * only. Any other URL gets none: a mistyped or foreign address must not receive an admin token
 * signed with this host's secret (it would be valid on our server for those 5 minutes).
 */
export async function autoToken(config: Config, url: URL): Promise<string | undefined> {
  if (!isLoopback(url)) return undefined;
  const secret = existingSecret(config);
  return secret && signToken({ sub: 'nightshift-cli', role: 'admin', ttlSeconds: 300 }, secret);
}

interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The token alone on stdout (so `TOKEN=$(npm run -s token)` captures just it), then one line for
 * the person: the sign-in link (owner, admin) or what a staff token can do. That line goes on
 * stdout at a terminal, on stderr when stdout is captured.
 */
export function printToken(minted: MintedToken, stdout: Writable, stderr: Writable): void {
  stdout.write(minted.token + '\n');
  const line = minted.signInUrl
    ? `Dashboard sign-in (${minted.role}, until ${minted.expiresAt}): ${minted.signInUrl}`
    : `Staff token (until ${minted.expiresAt}): ${minted.note ?? STAFF_NOTE}`;
  (stdout.isTTY ? stdout : stderr).write(line + '\n');
}
