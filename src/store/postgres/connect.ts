// Connections of the PostgreSQL store: the pool it opens from a URL (or the app's own pool), the
// schema its tables live in, and the one-line error for a database it cannot reach.
//
// Times are epoch milliseconds in bigint columns. node-postgres returns int8 as a string (it may
// not fit a double); epoch milliseconds and row counts always do, so the store parses int8 into a
// number, per query (see db.ts), never through pg's global type registry: the app's own queries on
// its own pool keep whatever parsing it chose.
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolConfig = pg.PoolConfig;

/** Connections a store opens from a URL: node-postgres's own default. */
export const DEFAULT_POOL_MAX = 10;
/** Connections a worker thread's store opens (its handlers' ctx.db and the runner's reads). */
export const THREAD_POOL_MAX = 2;
/** How long to wait for a connection before giving up (a database that does not answer at all). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The default schema of Nightshift's tables. */
export const DEFAULT_SCHEMA = 'nightshift';

/**
 * A schema name is written into SQL (identifiers cannot be bound parameters), so only plain
 * lower-case identifiers are accepted: no quoting rules to get wrong, and no injection.
 */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema.startsWith('pg_')) {
    throw new Error(`Invalid PostgreSQL schema name "${schema}": use 1-63 lower-case letters, digits and underscores, starting with a letter or underscore (not pg_)`);
  }
  return schema;
}

/** Why the database could not be reached, in one line naming the server (never the password). */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
  readonly code = 'DATABASE_UNREACHABLE';
  constructor(
    /** user@host:port/database, as the pool connects to it. */
    readonly target: string,
    readonly reason: string,
  ) {
    super(`Cannot connect to PostgreSQL at ${target}: ${reason}`);
  }
}

/** The server a pool connects to, for messages: `user@host:port/database`, no password. */
export function describeTarget(pool: Pool): string {
  const o = pool.options as PoolConfig;
  let { host, port, database, user } = o;
  if (o.connectionString) {
    try {
      const url = new URL(o.connectionString);
      host ??= decodeURIComponent(url.hostname) || url.searchParams.get('host') || undefined;
      port ??= url.port ? Number(url.port) : undefined;
      database ??= decodeURIComponent(url.pathname.slice(1)) || undefined;
      user ??= decodeURIComponent(url.username) || undefined;
    } catch {
      /* not a URL (a keyword=value string): fall back to the defaults below */
    }
  }
  host ??= process.env.PGHOST ?? 'localhost';
  port ??= Number(process.env.PGPORT ?? 5432);
  database ??= process.env.PGDATABASE ?? user;
  return `${user ? `${user}@` : ''}${host}:${port}${database ? `/${database}` : ''}`;
}

/** Errors raised while connecting, not by a statement: the server is down, unknown, refusing us. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
// 28xxx: authentication and authorization; 3D000: no such database; 57P03: starting up / shutting down; 53300: too many connections.
const CONNECT_SQLSTATES = /^(28|3D000|57P0[123]|53300)/;

export function isConnectError(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === 'string' && (CONNECT_CODES.has(e.code) || CONNECT_SQLSTATES.test(e.code))) return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(e?.message ?? '');
}

/** The cause of a connect error in a few words, without anything secret from the connection string. */
export function connectReason(err: unknown, pool: Pool): string {
  const e = err as Error & { code?: string; errors?: Error[] };
  // Node's AggregateError (a host with several addresses) has an empty message of its own.
  let reason = e.message || e.errors?.map((x) => x.message).join('; ') || e.code || String(err);
  const password = (pool.options as PoolConfig).password;
  if (typeof password === 'string' && password) reason = reason.split(password).join('***');
  const url = (pool.options as PoolConfig).connectionString;
  if (url) {
    try {
      const secret = new URL(url).password;
      if (secret) reason = reason.split(decodeURIComponent(secret)).join('***').split(secret).join('***');
    } catch {
      /* not a URL */
    }
  }
  return reason.replace(/\s+/g, ' ').trim();
}

/** Rethrows connect errors as DatabaseUnreachableError; anything else unchanged. */
export function asUnreachable(err: unknown, pool: Pool): unknown {
  if (err instanceof DatabaseUnreachableError || !isConnectError(err)) return err;
  return new DatabaseUnreachableError(describeTarget(pool), connectReason(err, pool));
}

export interface OpenPoolOptions {
  max?: number;
  connectionTimeoutMillis?: number;
  /** Names the connections in pg_stat_activity. */
  applicationName?: string;
  ssl?: PoolConfig['ssl'];
}

/** A pool on a URL, owned by the store that opened it. */
export function openPool(url: string, options: OpenPoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? DEFAULT_POOL_MAX,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'nightshift',
    ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
  });
  return pool;
}

/**
 * An idle pooled connection that dies (the server restarted, a proxy closed it) is reported as an
 * 'error' event on the pool, which crashes the process when nobody listens. The pool drops that
 * connection and opens a new one on the next query, so the store only remembers the error (health).
 */
export function watchIdleErrors(pool: Pool, onError: (err: Error) => void): () => void {
  pool.on('error', onError);
  return () => pool.off('error', onError);
}
