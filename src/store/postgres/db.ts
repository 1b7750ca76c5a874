// How the store's modules talk to PostgreSQL: a Db wraps a pool or one client (inside a
// transaction), the schema Nightshift's tables live in, and how each query is sent.
//
//   - SQL is written against the schema `ns` (`ns.queue_jobs`) and rewritten once per schema to
//     the configured one (identifiers cannot be parameters; the name is validated: connect.ts).
//   - int8 (bigint: epoch-ms columns, count(*)) is parsed into a number for the store's queries
//     only, through each query's own `types` (pg's global parsers belong to the app, and whatever
//     the app set there does not change what the store reads).
//   - On the store's own connections, statements are prepared once per connection (named after a
//     hash of their text): the queue runs the same handful thousands of times a second. On a client
//     the app lends us (enqueue inside its transaction) nothing is left behind: unnamed statements.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Pool } from './connect.ts';

export interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

// The column types the store's tables and queries return, parsed the same way whatever parsers
// the app registered globally with pg.types.setTypeParser (int8: epoch ms and counts fit a double).
const asNumber = (value: string) => Number(value);
const PARSERS = new Map<number, (value: string) => unknown>([
  [16, (value) => value === 't'], // bool
  [20, asNumber], // int8
  [21, asNumber], // int2
  [23, asNumber], // int4
  [25, (value) => value], // text
]);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    PARSERS.get(oid) ?? pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The store's SQL for one schema: `ns.` becomes the schema, once per statement text. */
export class SchemaSql {
  private readonly texts = new Map<string, string>();
  private readonly names = new Map<string, string>();
  constructor(readonly schema: string) {}

  text(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) this.texts.set(sql, (text = sql.replace(/\bns\./g, `"${this.schema}".`)));
    return text;
  }

  /** A prepared statement's name: the same text always gets the same name on every connection. */
  name(text: string): string {
    let name = this.names.get(text);
    if (name === undefined) this.names.set(text, (name = `ns_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
    return name;
  }

  /** A 64-bit advisory lock key for `what`, distinct per schema (pg_advisory_xact_lock's argument). */
  lockKey(what: string): string {
    return `${this.schema}:${what}`;
  }
}

export class Db {
  constructor(
    readonly on: Queryable,
    readonly sql: SchemaSql,
    /** Prepare statements on the connection (the store's own connections only). */
    readonly prepared: boolean,
  ) {}

  private send(sql: string, values: readonly unknown[] = []): Promise<pg.QueryResult> {
    const text = this.sql.text(sql);
    const config: pg.QueryConfig = { text, values: values as unknown[], types };
    if (this.prepared) config.name = this.sql.name(text);
    return this.on.query(config);
  }

  async rows<T>(sql: string, values?: readonly unknown[]): Promise<T[]> {
    return (await this.send(sql, values)).rows as T[];
  }

  async row<T>(sql: string, values?: readonly unknown[]): Promise<T | undefined> {
    return (await this.send(sql, values)).rows[0] as T | undefined;
  }

  /** Runs a statement; returns how many rows it changed. */
  async run(sql: string, values?: readonly unknown[]): Promise<number> {
    return (await this.send(sql, values)).rowCount ?? 0;
  }

  /** Runs several statements at once (a migration): the simple protocol, nothing prepared. */
  async exec(sql: string): Promise<void> {
    await this.on.query({ text: this.sql.text(sql) });
  }

  /** Takes a transaction-scoped advisory lock (released at COMMIT or ROLLBACK). */
  async lock(what: string): Promise<void> {
    await this.send(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [this.sql.lockKey(what)]);
  }
}

/** How a transaction starts (one round trip: the simple protocol sends the statements together). */
export const BEGIN = {
  /** Writes: READ COMMITTED, PostgreSQL's default. */
  write: 'BEGIN',
  /** Reads that must agree with each other (a page and its total, the gauges). */
  snapshot: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  /**
   * The runner's tick: its reads must follow their index in order and stop at their LIMIT. With
   * statistics that lag behind the table (a burst just enqueued, a table never analyzed) the
   * planner may prefer a bitmap scan, which reads every matching entry and sorts them: a burst of
   * 200,000 due jobs read whole to promote 500. Bitmap scans are off for the tick's statements
   * only (SET LOCAL ends with the transaction); test/store/postgres-plans.test.ts checks the plans.
   */
  tick: 'BEGIN; SET LOCAL enable_bitmapscan = off',
} as const;
export type Begin = (typeof BEGIN)[keyof typeof BEGIN];

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back; running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs `fn` in a transaction on one pooled client: COMMIT when it resolves, ROLLBACK when it
 * throws. A client whose connection broke (BEGIN or ROLLBACK failed) is destroyed, not pooled.
 * A deadlock or serialization failure runs `fn` again (up to 3 times): every `fn` the store passes
 * is its statements plus the engine's pure callbacks, so running it twice decides the same way.
 */
export async function transaction<T>(pool: Pool, sql: SchemaSql, fn: (db: Db) => Promise<T>, begin: Begin = BEGIN.write, prepare = true): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactionOnce(pool, sql, fn, begin, prepare);
    } catch (err) {
      if (attempt >= ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
    }
  }
}

async function transactionOnce<T>(pool: Pool, sql: SchemaSql, fn: (db: Db) => Promise<T>, begin: Begin, prepare: boolean): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  try {
    const result = await fn(new Db(client, sql, prepare));
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (rollbackErr) {
      client.release(rollbackErr as Error);
    }
    throw err;
  }
}

/**
 * Runs `fn` as one all-or-nothing step on a client the app lent us: inside the app's transaction
 * (a savepoint: a failure undoes only this step, and the app's transaction stays usable), or, when
 * the client has no transaction open, in a transaction of its own on that client. Nothing here
 * commits the app's transaction.
 */
export async function onLentClient<T>(client: Queryable, sql: SchemaSql, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = new Db(client, sql, false);
  try {
    await client.query({ text: 'SAVEPOINT nightshift_step' });
  } catch (err) {
    if ((err as { code?: string }).code !== NO_TRANSACTION) throw err;
    return ownTransactionOn(client, () => fn(db));
  }
  try {
    const result = await fn(db);
    await client.query({ text: 'RELEASE SAVEPOINT nightshift_step' });
    return result;
  } catch (err) {
    await client.query({ text: 'ROLLBACK TO SAVEPOINT nightshift_step' });
    await client.query({ text: 'RELEASE SAVEPOINT nightshift_step' });
    throw err;
  }
}

/** SQLSTATE of SAVEPOINT outside a transaction block. */
const NO_TRANSACTION = '25P01';

async function ownTransactionOn<T>(client: Queryable, fn: () => Promise<T>): Promise<T> {
  await client.query({ text: 'BEGIN' });
  try {
    const result = await fn();
    await client.query({ text: 'COMMIT' });
    return result;
  } catch (err) {
    await client.query({ text: 'ROLLBACK' }).catch(() => {});
    throw err;
  }
}
