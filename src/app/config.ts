// Configuration is parsed once, from the environment, by zod. Everything else receives the parsed
// object; nothing reads process.env on its own, so tests can build any configuration they need.
import { z } from 'zod';
import { isTimeZone } from '../index.ts';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

// Bree's names for the host's own zone; everything else must be an IANA zone the runtime knows.

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_PATH: z.string().min(1).default('data/nightshift.db'),
  JOBS_ENABLED: booleanFromEnv.default(true),
  JOBS_DIR: z.string().min(1).default('jobs'),
  // Checked here so a typo stops start-up with the variable's name, not as a RangeError inside Bree.
  JOBS_TIMEZONE: z
    .string()
    .min(1)
    .refine(isTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as UTC or Europe/Paris, or local)` })
    .default('UTC'),
  JWT_SECRET: z.string().optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  RUN_WAIT_MS: z.coerce.number().int().min(0).default(30_000),
  SCHEDULER_LEASE_MS: z.coerce.number().int().min(1_000).default(15_000),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  QUEUE_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  QUEUE_POLL_INTERVAL_MS: z.coerce.number().int().min(1).default(500),
  QUEUE_LEASE_MS: z.coerce.number().int().min(1_000).default(30_000),
  RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(100 * 1024),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DASHBOARD_SESSION_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(8 * 60),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  host: string;
  port: number;
  databasePath: string;
  jobsEnabled: boolean;
  jobsDir: string;
  timezone: string;
  /** Undefined until resolveJwtSecret() fills it in at start-up. */
  jwtSecret: string | undefined;
  shutdownGraceMs: number;
  runWaitMs: number;
  schedulerLeaseMs: number;
  logFormat: 'json' | 'pretty';
  logLevel: RawConfig['LOG_LEVEL'];
  queueWorkers: number;
  queuePollIntervalMs: number;
  /** How long a claimed queue job is held without renewal before another runner may recover it. */
  queueLeaseMs: number;
  retentionDays: number;
  bodyLimitBytes: number;
  /** A static bearer token Prometheus may scrape /metrics with; owner/admin JWTs work too. */
  metricsToken: string | undefined;
  /** Lifetime of a dashboard session cookie. */
  dashboardSessionMinutes: number;
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset: `JOBS_ENABLED=` in a .env file should not be an error.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const c = result.data;
  return {
    env: c.NODE_ENV,
    host: c.HOST,
    port: c.PORT,
    databasePath: c.DATABASE_PATH,
    jobsEnabled: c.JOBS_ENABLED,
    jobsDir: c.JOBS_DIR,
    timezone: c.JOBS_TIMEZONE,
    jwtSecret: c.JWT_SECRET,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    runWaitMs: c.RUN_WAIT_MS,
    schedulerLeaseMs: c.SCHEDULER_LEASE_MS,
    logFormat: c.LOG_FORMAT ?? (c.NODE_ENV === 'production' ? 'json' : 'pretty'),
    logLevel: c.LOG_LEVEL,
    queueWorkers: c.QUEUE_WORKERS,
    queuePollIntervalMs: c.QUEUE_POLL_INTERVAL_MS,
    queueLeaseMs: c.QUEUE_LEASE_MS,
    retentionDays: c.RETENTION_DAYS,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    metricsToken: c.METRICS_TOKEN,
    dashboardSessionMinutes: c.DASHBOARD_SESSION_MINUTES,
  };
}
