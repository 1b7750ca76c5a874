// Ids for queue jobs and their runs: UUIDv7 (RFC 9562), a millisecond timestamp followed by a
// counter and random bits. Time-ordered ids land at the end of the primary key and the job_id
// index instead of on a random page each, which keeps every enqueue and every claim batch writing
// a handful of pages rather than one per job; and "newest first" is simply id DESC.
import { randomUUID } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7, monotonic within this process (RFC 9562 method 1: a 12-bit counter in rand_a, started
 * at a random value each new millisecond; on overflow the timestamp moves on by one).
 */
export function uuidv7(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx, buffered entropy: cheap
  let ms = now;
  if (ms > lastMs) {
    counter = parseInt(random.slice(15, 18), 16) & 0x7ff; // top bit clear: room to count up
  } else {
    ms = lastMs;
    if (++counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  }
  lastMs = ms;
  const ts = ms.toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${counter.toString(16).padStart(3, '0')}-${random.slice(19)}`;
}

/** The timestamp part of the UUIDv7 ids of `ms`: every id created before `ms` sorts below it. */
export function uuidv7Prefix(ms: number): string {
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}`;
}

/** A W3C-style trace id: 32 lowercase hex characters. */
export function newTraceId(): string {
  return randomUUID().replace(/-/g, '');
}
