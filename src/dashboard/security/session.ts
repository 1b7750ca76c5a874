// Dashboard sessions: a small signed record in an HttpOnly cookie, so the server keeps no session
// table (and no migration is needed). The signing key is derived from JWT_SECRET for this one use:
// a session cookie can never be replayed as an API token, nor a token as a cookie. Sessions have
// an absolute expiry (not extended by activity), never later than the token they were opened with;
// sign-out revokes one in memory until it expires. Rotating JWT_SECRET ends every session at once
// (their signing key is derived from it).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../http/auth/roles.ts';

export interface Session {
  /** Random id: names the session for revocation and derives its CSRF token. */
  sid: string;
  /** The token's subject, shown in the header and recorded as the actor of what the session enqueues. */
  sub: string;
  role: Extract<Role, 'owner' | 'admin'>;
  /** Issued and expires, in ms since the epoch. */
  iat: number;
  exp: number;
}

export type SessionReadResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'signed-out' };

/** The longest a session may last, whatever the configuration says (the config caps it there too). */
const MAX_SESSION_MINUTES = 7 * 24 * 60;
const DEFAULT_SESSION_MINUTES = 8 * 60;

const VERSION = 'v1';

const b64url = (buf: Buffer) => buf.toString('base64url');

/** A key for one purpose, derived from the server secret (HMAC as a KDF). */
function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`nightshift dashboard ${purpose}`).digest();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function isSession(value: unknown): value is Session {
  const s = value as Session;
  return (
    typeof s === 'object' && s !== null &&
    typeof s.sid === 'string' && s.sid.length >= 16 &&
    typeof s.sub === 'string' && s.sub.length > 0 &&
    (s.role === 'owner' || s.role === 'admin') &&
    Number.isFinite(s.iat) && Number.isFinite(s.exp)
  );
}

export interface SessionStore {
  readonly lifetimeMs: number;
  /**
   * A new session and the cookie value that carries it. `notAfter` (ms): the session ends then at
   * the latest, e.g. when the token it was opened with would have expired.
   */
  issue(input: { sub: string; role: Session['role']; notAfter?: number }, now?: number): { session: Session; cookie: string };
  read(cookie: string | undefined, now?: number): SessionReadResult;
  /** Sign-out: this session is refused from now on (in memory: until it expires or the server restarts). */
  revoke(session: Session): void;
  /** The per-session CSRF token forms carry (HMAC of the session id). */
  csrfToken(session: Session): string;
  checkCsrf(session: Session, token: string | undefined): boolean;
}

/** One store per app: its revocation list is not shared between apps (or tests). */
export function createSessionStore(secret: string, lifetimeMinutes = DEFAULT_SESSION_MINUTES): SessionStore {
  const signingKey = deriveKey(secret, 'session v1');
  const csrfKey = deriveKey(secret, 'csrf v1');
  const lifetimeMs = Math.min(Math.max(1, lifetimeMinutes), MAX_SESSION_MINUTES) * 60_000;
  const revoked = new Map<string, number>(); // sid -> exp

  const mac = (body: string) => b64url(createHmac('sha256', signingKey).update(`${VERSION}.${body}`).digest());
  const pruneRevoked = (now: number) => {
    for (const [sid, exp] of revoked) if (exp <= now) revoked.delete(sid);
  };

  return {
    lifetimeMs,
    issue(input, now = Date.now()) {
      const exp = Math.min(now + lifetimeMs, input.notAfter ?? Infinity);
      const session: Session = { sid: b64url(randomBytes(18)), sub: input.sub, role: input.role, iat: now, exp };
      const body = b64url(Buffer.from(JSON.stringify(session)));
      return { session, cookie: `${VERSION}.${body}.${mac(body)}` };
    },
    read(cookie, now = Date.now()) {
      if (!cookie) return { ok: false, reason: 'missing' };
      const [version, body, signature, ...rest] = cookie.split('.');
      if (version !== VERSION || !body || !signature || rest.length > 0) return { ok: false, reason: 'invalid' };
      if (!safeEqual(signature, mac(body))) return { ok: false, reason: 'invalid' };
      let session: unknown;
      try {
        session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (!isSession(session)) return { ok: false, reason: 'invalid' };
      if (session.exp <= now) return { ok: false, reason: 'expired' };
      pruneRevoked(now);
      if (revoked.has(session.sid)) return { ok: false, reason: 'signed-out' };
      return { ok: true, session };
    },
    revoke(session) {
      revoked.set(session.sid, session.exp);
    },
    csrfToken(session) {
      return b64url(createHmac('sha256', csrfKey).update(session.sid).digest());
    },
    checkCsrf(session, token) {
      return typeof token === 'string' && token.length > 0 && safeEqual(token, this.csrfToken(session));
    },
  };
}
