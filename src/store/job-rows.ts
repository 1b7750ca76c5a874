// The queue_jobs row as SQLite returns it, and its JSON shape (QueueJob).
import type { QueueErrorEntry, QueueJob, QueueJobStatus, QueueProgress } from '../queue/types.ts';

export interface JobRow {
  id: string;
  type: string;
  status: QueueJobStatus;
  payload: string | null;
  tenant_id: string | null;
  actor_id: string | null;
  trace_id: string;
  request_id: string | null;
  priority: number;
  run_at: number;
  attempts: number;
  max_attempts: number;
  lease_token: string | null;
  lease_expires_at: number | null;
  lease_owner: string | null;
  run_id: string | null;
  cancel_requested: 0 | 1;
  processed_items: number;
  total_items: number | null;
  result: string | null;
  error_log: string;
  last_error: string | null;
  idempotency_key: string | null;
  created_by: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  updated_at: number;
}

/** Seed 003 keeps the newest 100 errors per job. */
export const ERROR_LOG_LIMIT = 100;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // never let one bad row break a listing
  }
}

export function parseErrorLog(text: string | null): QueueErrorEntry[] {
  const value = parseJson(text);
  return Array.isArray(value) ? (value as QueueErrorEntry[]) : [];
}

/** Appends an entry and keeps the newest ERROR_LOG_LIMIT. */
export function appendErrorLog(text: string | null, entry: QueueErrorEntry): string {
  const log = parseErrorLog(text);
  log.push(entry);
  return JSON.stringify(log.slice(-ERROR_LOG_LIMIT));
}

/** Seed 003: capped at 99 until the job completes, 100 when it has. */
export function percentOf(status: QueueJobStatus, processed: number, total: number | null): number {
  if (status === 'completed') return 100;
  if (!total || total <= 0) return 0;
  return Math.max(0, Math.min(99, Math.floor((processed / total) * 100)));
}

export function progressOf(row: Pick<JobRow, 'status' | 'processed_items' | 'total_items'>): QueueProgress {
  return {
    processedItems: row.processed_items,
    totalItems: row.total_items,
    percent: percentOf(row.status, row.processed_items, row.total_items),
  };
}

export function toQueueJob(row: JobRow): QueueJob {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    payload: parseJson(row.payload),
    envelope: { tenantId: row.tenant_id, actorId: row.actor_id, traceId: row.trace_id, requestId: row.request_id },
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: iso(row.run_at)!,
    progress: progressOf(row),
    result: parseJson(row.result),
    errorLog: parseErrorLog(row.error_log),
    lastError: row.last_error,
    idempotencyKey: row.idempotency_key,
    createdBy: row.created_by,
    createdAt: iso(row.created_at)!,
    startedAt: iso(row.started_at),
    completedAt: iso(row.completed_at),
    updatedAt: iso(row.updated_at)!,
  };
}
