// Ids for queue jobs and their runs: UUIDv7, shared with the job_runs ledger (src/db/ids.ts).
import { randomUUID } from 'node:crypto';

export { uuidv7, uuidv7Prefix } from '../db/ids.ts';

/** A W3C-style trace id: 32 lowercase hex characters. */
export function newTraceId(): string {
  return randomUUID().replace(/-/g, '');
}
