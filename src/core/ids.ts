// Ids: UUIDv7 (RFC 9562: a millisecond timestamp followed by a counter and random bits) for queue
// jobs and runs, and W3C-style trace ids. Every store uses these, so ids mean the same everywhere.
// Time-ordered ids land at the end of a primary key instead of on a random page each, which keeps
// every insert writing a handful of pages rather than one per row; and "newest first" is id DESC.
import { randomBytes, randomUUID } from 'node:crypto';

let lastMs = 0;
let counter = 0;
/** For ids of times before the newest one issued (a run recorded with an explicit, earlier time). */
let pastMs = -1;
let pastCounter = 0;
/** The formatted timestamp of the last millisecond seen: a burst of ids reuses it (no hex per id). */
let prefixMs = -1;
let prefix = '';

// Module-level helpers, not closures inside uuidv7: enqueue calls it once per job, and a closure
// per call (plus the name wrapper tsx adds to each) showed up in the enqueue profile.
function timestampOf(ms: number): string {
  if (ms !== prefixMs) {
    const ts = ms.toString(16).padStart(12, '0');
    prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
    prefixMs = ms;
  }
  return prefix;
}
const format = (ms: number, seq: number, random: string) => `${timestampOf(ms)}${seq.toString(16).padStart(3, '0')}-${random.slice(19)}`;
/** A fresh counter start from the random bits; top bit clear leaves room to count up. */
const freshCounter = (random: string) => parseInt(random.slice(15, 18), 16) & 0x7ff;

/**
 * A UUIDv7 whose timestamp is `now`, monotonic within this process for non-decreasing times
 * (RFC 9562 method 1: a 12-bit counter in rand_a, started at a random value each new millisecond;
 * on overflow the timestamp moves on by one). A time earlier than the newest one issued gets an id
 * of that earlier time (so id order stays time order, e.g. job_runs started_at), counted up within
 * its millisecond when several come in a row.
 */
export function uuidv7(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx, buffered entropy: cheap
  let ms = Math.max(0, Math.floor(now));
  if (ms < lastMs) {
    if (ms === pastMs && pastCounter < 0xfff) pastCounter += 1;
    else pastCounter = freshCounter(random);
    pastMs = ms;
    return format(ms, pastCounter, random);
  }
  if (ms > lastMs) {
    counter = freshCounter(random);
  } else if (++counter > 0xfff) {
    ms += 1;
    counter = 0;
  }
  lastMs = ms;
  return format(ms, counter, random);
}

/** The timestamp part of the UUIDv7 ids of `ms`: every id created before `ms` sorts below it. */
export function uuidv7Prefix(ms: number): string {
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}`;
}

// Trace ids come from a pool of random bytes refilled 4 KiB at a time: one per enqueued job, so
// a system call (or a UUID formatted and stripped of dashes) per id would show in enqueue's cost.
const TRACE_POOL_BYTES = 4096;
let tracePool = Buffer.alloc(0);
let traceOffset = 0;

/** A W3C-style trace id: 32 lowercase hex characters (128 random bits). */
export function newTraceId(): string {
  if (traceOffset + 16 > tracePool.length) {
    tracePool = randomBytes(TRACE_POOL_BYTES);
    traceOffset = 0;
  }
  const id = tracePool.toString('hex', traceOffset, traceOffset + 16);
  traceOffset += 16;
  return id;
}
