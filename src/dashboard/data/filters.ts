// Query-string filters of the list pages, read leniently: a value that cannot be used is dropped
// and reported on the page ("The 'from' time was not understood"), never a 400 or a 500.
import { RUN_STATUSES, type RunStatus } from '../../runs/types.ts';
import type { RunTrigger } from '../../jobs/define.ts';
import { QUEUE_STATUSES, type QueueJobStatus } from '../../queue/index.ts';

export const RUN_TRIGGERS: readonly RunTrigger[] = ['schedule', 'manual', 'catch-up', 'queue'];
export const RUNS_PAGE_SIZE = 50;
export const QUEUE_PAGE_SIZE = 25;
const MAX_PAGE = 100_000;

type Query = Record<string, string | undefined>;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function pageOf(value: string | undefined): number {
  if (!value || !/^\d{1,6}$/.test(value)) return 1;
  return Math.min(MAX_PAGE, Math.max(1, Number(value)));
}

function name(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v && v.length <= 100 ? v : undefined;
}

/** A datetime-local value ("2025-03-01T14:05", seconds optional), read as UTC. */
function parseUtcLocal(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/.test(value)) return Number.NaN;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? ms : Number.NaN;
}

/** The datetime-local value of an instant, in UTC, to the minute. */
export function toUtcLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export interface RunsQuery {
  job?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  from?: string;
  to?: string;
  fromMs?: number;
  toMs?: number;
  page: number;
  problems: string[];
}

export function readRunsQuery(q: Query): RunsQuery {
  const problems: string[] = [];
  const fromMs = parseUtcLocal(q.from);
  const toMs = parseUtcLocal(q.to);
  if (Number.isNaN(fromMs)) problems.push(`The "from" time was not understood, so it is not applied.`);
  if (Number.isNaN(toMs)) problems.push(`The "to" time was not understood, so it is not applied.`);
  if (q.status && !oneOf(q.status, RUN_STATUSES)) problems.push(`There is no run status "${q.status}".`);
  if (q.trigger && !oneOf(q.trigger, RUN_TRIGGERS)) problems.push(`There is no trigger "${q.trigger}".`);
  const okFrom = fromMs !== undefined && !Number.isNaN(fromMs) ? fromMs : undefined;
  const okTo = toMs !== undefined && !Number.isNaN(toMs) ? toMs : undefined;
  if (okFrom !== undefined && okTo !== undefined && okFrom >= okTo) problems.push('The "from" time is not before the "to" time: no run can match.');
  return {
    job: name(q.job),
    status: oneOf(q.status, RUN_STATUSES),
    trigger: oneOf(q.trigger, RUN_TRIGGERS),
    from: okFrom !== undefined ? q.from : undefined,
    to: okTo !== undefined ? q.to : undefined,
    fromMs: okFrom,
    toMs: okTo,
    page: pageOf(q.page),
    problems,
  };
}

export interface QueueQuery {
  status?: QueueJobStatus;
  type?: string;
  page: number;
  problems: string[];
}

export function readQueueQuery(q: Query): QueueQuery {
  const problems: string[] = [];
  if (q.status && !oneOf(q.status, QUEUE_STATUSES)) problems.push(`There is no queue status "${q.status}".`);
  return { status: oneOf(q.status, QUEUE_STATUSES), type: name(q.type), page: pageOf(q.page), problems };
}
