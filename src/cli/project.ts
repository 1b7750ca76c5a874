// Where the CLI finds the app it works on: the nearest nightshift.config.json above the current
// directory, environment variables, and flags (flags > env > config file > defaults). Relative paths
// resolve against the config file's folder (env: the current directory), never against this
// package's own folder: installed as a dependency, that folder is inside node_modules, and a
// database there would be a stray copy no app uses. JSON rather than a JS config: reading the
// settings must not run the app's code.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { z } from 'zod';
import { isTimeZone } from '../options.ts';
import { usageError } from './errors.ts';

export const CONFIG_FILE = 'nightshift.config.json';

export type Env = Record<string, string | undefined>;

export interface CliSettings {
  /** The config file used, if one was found. */
  configFile: string | undefined;
  /** Absolute; undefined when neither the file nor the env names one (local mode then refuses). */
  database: string | undefined;
  /** Where the database setting came from (an env name or the config file), for error messages. */
  databaseFrom: string | undefined;
  jobs: string | undefined;
  timezone: string;
  /** Whether the app schedules jobs (status shows it; a local manual run refuses when false). */
  enabled: boolean;
  /** From the env only: secrets do not belong in a committed file. */
  jwtSecret: string | undefined;
  /** Where the secret is kept otherwise (default: `.jwt-secret` beside the database). */
  jwtSecretFile: string | undefined;
  /** The app's public URL (no trailing slash), for sign-in links. */
  url: string | undefined;
  /** Where the app mounts ns.routes(): '' (the root) or e.g. '/admin/jobs'. */
  basePath: string;
  /** Where the dashboard sits below basePath: '' (routes()' default) or e.g. '/dashboard'. */
  dashboardPath: string;
  /** For `run --local-runner`. */
  pollIntervalMs: number;
}

const urlPath = (name: string) =>
  z
    .string()
    .transform((p) => p.replace(/\/+$/, ''))
    .refine((p) => p === '' || p.startsWith('/'), { message: `${name} must be '' or start with / (e.g. /admin/jobs)` });

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  database: z.string().min(1).optional(),
  jobs: z.string().min(1).optional(),
  timezone: z.string().optional(),
  enabled: z.boolean().optional(),
  jwtSecretFile: z.string().min(1).optional(),
  url: z.string().optional(),
  basePath: urlPath('basePath').optional(),
  dashboardPath: urlPath('dashboardPath').optional(),
});

type FileSettings = z.infer<typeof fileSchema>;

/** The nearest config file at or above `cwd`. */
export function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}

function readConfigFile(file: string): FileSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw usageError(`${file}: not valid JSON (${(err as Error).message})`, 'INVALID_CONFIG');
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(file)');
    throw usageError(`${file}: ${where}: ${issue.message}`, 'INVALID_CONFIG');
  }
  return parsed.data;
}

/** The first set, non-empty variable of `names` (an empty `X=` counts as unset, as in .env files). */
function fromEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) if (env[name]) return env[name];
  return undefined;
}

/** A path from the env resolves against the cwd; one from the file against the file's folder. */
function place(fromEnvValue: string | undefined, fromFile: string | undefined, cwd: string, fileDir: string | undefined): string | undefined {
  if (fromEnvValue) return resolve(cwd, fromEnvValue);
  if (fromFile) return isAbsolute(fromFile) ? fromFile : resolve(fileDir!, fromFile);
  return undefined;
}

function refuseNodeModules(what: string, path: string | undefined, source: string): void {
  if (path && path.split(sep).includes('node_modules')) {
    throw usageError(
      `${what} resolves inside node_modules (${path}, from ${source}): point it at the app's own files, relative to ${CONFIG_FILE}'s folder`,
      'PATH_IN_NODE_MODULES',
    );
  }
}

export function loadSettings(env: Env, cwd: string): CliSettings {
  const configFile = findConfigFile(cwd);
  const file = configFile ? readConfigFile(configFile) : {};
  const fileDir = configFile ? dirname(configFile) : undefined;
  const source = (envNames: string[], key: string) => (fromEnv(env, ...envNames) ? envNames.find((n) => env[n])! : `${key} in ${configFile}`);

  // NIGHTSHIFT_* first; the reference app's own names (DATABASE_PATH...) are fallbacks.
  const dbEnv = ['NIGHTSHIFT_DATABASE', 'DATABASE_PATH'];
  const jobsEnv = ['NIGHTSHIFT_JOBS', 'JOBS_DIR'];
  const secretFileEnv = ['NIGHTSHIFT_JWT_SECRET_FILE'];
  const database = place(fromEnv(env, ...dbEnv), file.database, cwd, fileDir);
  const jobs = place(fromEnv(env, ...jobsEnv), file.jobs, cwd, fileDir);
  const secretFile = place(fromEnv(env, ...secretFileEnv), file.jwtSecretFile, cwd, fileDir) ?? (database && join(dirname(database), '.jwt-secret'));
  refuseNodeModules('The database', database, source(dbEnv, 'database'));
  refuseNodeModules('The jobs folder', jobs, source(jobsEnv, 'jobs'));
  refuseNodeModules('The JWT secret file', secretFile, source(secretFileEnv, 'jwtSecretFile'));

  const timezone = fromEnv(env, 'NIGHTSHIFT_TIMEZONE', 'JOBS_TIMEZONE') ?? file.timezone ?? 'UTC';
  if (!isTimeZone(timezone)) throw usageError(`Unknown time zone "${timezone}" (use an IANA name such as UTC or Europe/Paris, or local)`, 'INVALID_CONFIG');
  const enabledText = fromEnv(env, 'NIGHTSHIFT_ENABLED', 'JOBS_ENABLED');
  const enabled = enabledText === undefined ? (file.enabled ?? true) : ['true', '1', 'yes', 'on'].includes(enabledText);

  const paths = { basePath: fromEnv(env, 'NIGHTSHIFT_BASE_PATH') ?? file.basePath, dashboardPath: fromEnv(env, 'NIGHTSHIFT_DASHBOARD_PATH') ?? file.dashboardPath };
  const checked = z.object({ basePath: urlPath('basePath').default(''), dashboardPath: urlPath('dashboardPath').default('') }).safeParse(paths);
  if (!checked.success) throw usageError(checked.error.issues[0]!.message, 'INVALID_CONFIG');

  const url = fromEnv(env, 'NIGHTSHIFT_PUBLIC_URL') ?? (file.url || undefined);
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) throw usageError(`The public URL must start with http:// or https:// (got "${url}")`, 'INVALID_CONFIG');
  const poll = Number(fromEnv(env, 'QUEUE_POLL_INTERVAL_MS') ?? 500);

  return {
    configFile,
    database,
    databaseFrom: database && source(dbEnv, 'database'),
    jobs,
    timezone,
    enabled,
    jwtSecret: fromEnv(env, 'NIGHTSHIFT_JWT_SECRET', 'JWT_SECRET'),
    jwtSecretFile: secretFile,
    url: url?.replace(/\/+$/, ''),
    basePath: checked.data.basePath,
    dashboardPath: checked.data.dashboardPath,
    pollIntervalMs: Number.isInteger(poll) && poll >= 1 ? poll : 500,
  };
}

/** How to tell the CLI where the app is; the error when local mode has no database or jobs. */
export function notConfiguredError(settings: CliSettings, cwd: string) {
  const missing = [!settings.database && 'database', !settings.jobs && 'jobs'].filter(Boolean).join(' and ');
  const where = settings.configFile ? `${settings.configFile} has no ${missing}` : `no ${CONFIG_FILE} in ${cwd} or any folder above it`;
  return usageError(
    `Nightshift does not know where the app's ${missing} ${missing.includes(' and ') ? 'are' : 'is'}: ${where}. ` +
      `Create ${CONFIG_FILE} in the app's folder, e.g. {"database": "data/nightshift.db", "jobs": "jobs"}, ` +
      `or set NIGHTSHIFT_DATABASE and NIGHTSHIFT_JOBS (see docs/cli.md, Configuration)`,
    'NOT_CONFIGURED',
  );
}
