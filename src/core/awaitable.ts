// Store calls return a value (SQLite) or a promise (PostgreSQL). On hot paths the engine handles
// both without turning a synchronous answer into a microtask: settle() calls back at once when it can.
import type { Awaitable } from '../store/types.ts';

export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/**
 * Runs `call`, then `ok` with its result, synchronously when the result is a plain value; errors
 * (thrown or rejected) go to `fail`. Returns a promise only when `call` answered with one.
 */
export function settle<T>(call: () => Awaitable<T>, ok: (value: T) => void, fail: (err: unknown) => void): void | Promise<void> {
  let value: Awaitable<T>;
  try {
    value = call();
  } catch (err) {
    return fail(err);
  }
  if (isPromise(value)) return value.then(ok, fail);
  ok(value);
}
