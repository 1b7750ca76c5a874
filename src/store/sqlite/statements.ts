// better-sqlite3 compiles SQL on every prepare(); the queue's statements run thousands of times a
// second, so each connection keeps its compiled statements here (like graphile-worker's
// per-connection prepared queries).
import type { Statement } from 'better-sqlite3';
import type { Db } from './open.ts';

const perConnection = new WeakMap<Db, Map<string, Statement>>();

export function stmt(db: Db, sql: string): Statement {
  let cache = perConnection.get(db);
  if (!cache) perConnection.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/**
 * Runs `fn` in an IMMEDIATE transaction, or inside the caller's transaction when one is open on
 * this connection (a nested BEGIN would fail; better-sqlite3 turns it into a savepoint instead).
 */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate();
}
