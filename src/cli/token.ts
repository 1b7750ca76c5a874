// Tokens for local use: `nightshift token` and `npm run token` (scripts/token.ts) share this, and
// the CLI mints a short-lived admin token here for --url when none is given. A token is signed with
// the app's secret (NIGHTSHIFT_JWT_SECRET, or the secret file: jwtSecretFile, default .jwt-secret
// beside the database), so only someone on the app's host, or holding its secret, can produce one.
// The CLI never creates a secret: one the app does not use would sign tokens its server refuses.
import { existsSync, readFileSync } from 'node:fs';
import { signToken } from '../http/auth/auth.ts';
import { ROLES, type Role } from '../http/auth/roles.ts';
import { usageError } from './errors.ts';
import { CONFIG_FILE, type CliSettings, type Env } from './project.ts';

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

/**
 * The app's address for links: --url, else the configured public URL, else the server the CLI talks
 * to (NIGHTSHIFT_URL), else the reference app's http://localhost:$PORT.
 */
export function publicUrl(settings: CliSettings, env: Env, flagUrl?: string): string {
  return (flagUrl ?? settings.url ?? env.NIGHTSHIFT_URL ?? `http://localhost:${env.PORT || 3000}`).replace(/\/+$/, '');
}

/** The dashboard's sign-in page: where the app mounts the routes, then the dashboard below them. */
export function signInLink(settings: CliSettings, base: string, token: string): string {
  return `${base}${settings.basePath}${settings.dashboardPath}/sign-in#token=${token}`;
}

/** Signs a token with the app's secret; `base` is publicUrl()'s answer. */
export async function mintToken(settings: CliSettings, input: { role: Role; sub?: string; ttlSeconds: number; base: string }): Promise<MintedToken> {
  const secret = existingSecret(settings);
  if (!secret) {
    const file = settings.jwtSecretFile ? `neither NIGHTSHIFT_JWT_SECRET nor a secret file at ${settings.jwtSecretFile}` : 'NIGHTSHIFT_JWT_SECRET is not set';
    throw usageError(
      `No JWT secret: ${file}. Use the secret the app passes to ns.routes({ jwtSecret }): ` +
        `set NIGHTSHIFT_JWT_SECRET or point jwtSecretFile in ${CONFIG_FILE} at a file holding it`,
      'NO_SECRET',
    );
  }
  const sub = input.sub ?? `local-${input.role}`;
  const now = Date.now();
  const token = await signToken({ sub, role: input.role, ttlSeconds: input.ttlSeconds }, secret, now);
  return {
    token,
    role: input.role,
    sub,
    expiresAt: new Date((Math.floor(now / 1000) + input.ttlSeconds) * 1000).toISOString(),
    ...(input.role === 'staff' ? { signInUrl: null, note: STAFF_NOTE } : { signInUrl: signInLink(settings, input.base, token) }),
  };
}

/** The app's secret, if this host has it. Never creates one. */
function existingSecret(settings: CliSettings): string | undefined {
  if (settings.jwtSecret) return settings.jwtSecret;
  const file = settings.jwtSecretFile;
  return file && existsSync(file) ? readFileSync(file, 'utf8').trim() || undefined : undefined;
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
export async function autoToken(settings: CliSettings, url: URL): Promise<string | undefined> {
  if (!isLoopback(url)) return undefined;
  const secret = existingSecret(settings);
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
