// Ids for queue jobs and their runs: UUIDv7 (RFC 9562), i.e. a millisecond timestamp followed by
// random bits. Being time-ordered, new ids land at the end of the primary-key and job_id indexes
// instead of on a random page each, which keeps every enqueue and every claim batch writing a
// handful of pages rather than one per job (random v4 keys made batches several times slower).
import { randomUUID } from 'node:crypto';

/** A UUIDv7 string; the random part comes from randomUUID's buffered entropy (cheap). */
export function uuidv7(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx
  const ts = now.toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

/** A W3C-style trace id: 32 lowercase hex characters. */
export function newTraceId(): string {
  return randomUUID().replace(/-/g, '');
}
