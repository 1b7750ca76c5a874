// Runs the real `nightshift` bin (node src/cli/nightshift.mjs) as a child process with a clean
// environment, and collects its exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/index.ts';

export const BIN = join(REPO_ROOT, 'src', 'cli', 'nightshift.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document --json promises. */
  json(): any;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Called with each stderr chunk, e.g. to send SIGINT once a run has started. */
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
  timeoutMs?: number;
  /** Where the CLI runs (it looks for nightshift.config.json from there up). Default: this repo. */
  cwd?: string;
}

// Variables the parent (a developer's shell, the test runner) may have that would steer the child.
const INHERITED = [
  'DATABASE_PATH', 'JOBS_DIR', 'JWT_SECRET', 'JOBS_TIMEZONE', 'JOBS_ENABLED', 'PORT', 'NODE_TEST_CONTEXT', 'NO_COLOR',
  'NIGHTSHIFT_URL', 'NIGHTSHIFT_TOKEN', 'NIGHTSHIFT_DEBUG', 'NIGHTSHIFT_DATABASE', 'NIGHTSHIFT_JOBS', 'NIGHTSHIFT_TIMEZONE', 'NIGHTSHIFT_ENABLED',
  'NIGHTSHIFT_JWT_SECRET', 'NIGHTSHIFT_JWT_SECRET_FILE', 'NIGHTSHIFT_PUBLIC_URL', 'NIGHTSHIFT_BASE_PATH', 'NIGHTSHIFT_DASHBOARD_PATH',
];

export function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !INHERITED.includes(k)) env[k] = v;
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    options.onStderr?.(stderr, child);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not one JSON document (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
  });
}

/** A readable assertion message: the command's exit code and both streams. */
export function explain(r: CliResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
