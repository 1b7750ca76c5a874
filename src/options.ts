// createNightshift's options, checked once by zod when Nightshift is created: a wrong value fails
// there, with the option named, before anything is opened.
import { z } from 'zod';
import type { JobSource } from './jobs/load.ts';
import { DEFAULT_ENQUEUE_LIMITS } from './queue/enqueue.ts';
import type { LogLevel } from './log/logger.ts';
import type { PinoLike } from './log/host.ts';

/** A better-sqlite3 Database, checked by shape so the option's type needs no driver import. */
export interface SqliteConnection {
  readonly name: string;
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction(fn: (...args: never[]) => unknown): unknown;
}

export interface NightshiftOptions {
  /**
   * Where Nightshift keeps its tables: a SQLite file path (opened with WAL), or a better-sqlite3
   * Database the app already has (Nightshift's tables go beside the app's; enqueue then joins the
   * app's transactions on that connection).
   */
  database: string | SqliteConnection;
  /** A folder of job files, one file, or a list of folders, files and defineJob(...) results. */
  jobs: JobSource | readonly JobSource[];
  /** false: no scheduler, no queue runner and no job threads start (enqueue and reads still work). Default true. */
  enabled?: boolean;
  /** IANA time zone of cron expressions. Default 'UTC'. */
  timezone?: string;
  /** Queue worker threads; 0 runs no queue jobs in this process. Default 1. */
  workers?: number;
  /** Any pino-compatible logger (child, debug...error); Nightshift's lines then join the app's. */
  logger?: PinoLike;
  /** Without `logger`: the level and format of Nightshift's own pino logger. Defaults 'info' and 'pretty'. */
  logLevel?: LogLevel | 'silent';
  logFormat?: 'json' | 'pretty';
  /** Lifetime of the scheduler's lease (renewed every third of it). Default 15 s. */
  schedulerLeaseMs?: number;
  /** Lease on a claimed queue job (renewed every third of it while the handler runs). Default 30 s. */
  queueLeaseMs?: number;
  /** How often the runner looks for jobs enqueued by other processes. Default 500 ms. */
  pollIntervalMs?: number;
  /** How long stop() waits for running jobs before terminating them. Default 10 s. */
  shutdownGraceMs?: number;
  /** Largest job payload stored (the validated value as JSON), in bytes; larger is refused (HTTP 413). Default 32 KiB. */
  maxPayloadBytes?: number;
  /** Furthest a job's runAt may be ahead of now, in ms; further is refused (HTTP 400 naming runAt). Default 366 days. */
  maxRunAheadMs?: number;
}

const positiveMs = (max: number) => z.number().int().min(1).max(max);

/**
 * True for the zones cron schedules can use: IANA names Intl knows, and Bree's own 'local' and
 * 'system' (the host's zone). One check for the library's options, the reference app and the CLI.
 */
export function isTimeZone(zone: string): boolean {
  if (zone === 'local' || zone === 'system') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  database: z.union([
    z.string().min(1),
    z.custom<SqliteConnection>((v) => typeof v === 'object' && v !== null && typeof (v as SqliteConnection).prepare === 'function' && typeof (v as SqliteConnection).pragma === 'function', {
      message: 'must be a file path or a better-sqlite3 Database',
    }),
  ]),
  jobs: z.custom<NightshiftOptions['jobs']>((v) => v !== undefined && v !== null, { message: 'is required: a folder, a file, or a list of job files and definitions' }),
  enabled: z.boolean().default(true),
  timezone: z.string().refine(isTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as UTC or Europe/Paris, or local)` }).default('UTC'),
  workers: z.number().int().min(0).max(64).default(1),
  logger: z
    .custom<PinoLike>((v) => v === undefined || (typeof v === 'object' && v !== null && ['debug', 'info', 'warn', 'error', 'child'].every((m) => typeof (v as Record<string, unknown>)[m] === 'function')), {
      message: 'must be pino-compatible (debug, info, warn, error and child methods)',
    })
    .optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  logFormat: z.enum(['json', 'pretty']).default('pretty'),
  schedulerLeaseMs: positiveMs(600_000).default(15_000),
  queueLeaseMs: positiveMs(3_600_000).default(30_000),
  pollIntervalMs: positiveMs(60_000).default(500),
  shutdownGraceMs: z.number().int().min(0).max(3_600_000).default(10_000),
  maxPayloadBytes: z.number().int().min(2).max(16 * 1024 * 1024).default(DEFAULT_ENQUEUE_LIMITS.maxPayloadBytes),
  maxRunAheadMs: z.number().int().min(1).default(DEFAULT_ENQUEUE_LIMITS.maxRunAheadMs),
});

export type ResolvedOptions = z.output<typeof schema>;

/** Thrown by createNightshift for an invalid option; the message names it. */
export class NightshiftOptionsError extends Error {
  readonly code = 'INVALID_OPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'NightshiftOptionsError';
  }
}

export function parseOptions(options: NightshiftOptions): ResolvedOptions {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NightshiftOptionsError(`Invalid Nightshift option ${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  return parsed.data;
}
