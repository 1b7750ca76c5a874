// Finds job files in a folder and imports them. A job is added by adding a file; nothing else.
import { readdirSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { isValidCron } from './cron.ts';
import { DEFAULT_TIMEOUT_MS, type JobDefinition } from './define.ts';

export interface LoadedJob {
  definition: JobDefinition<any>;
  /** Absolute path of the job file; the worker thread imports it again on its own. */
  file: string;
  timeoutMs: number;
}

const JOB_FILE = /^[a-z0-9]+(?:-[a-z0-9]+)*\.(?:ts|mts|js|mjs)$/;
const TEST_FILE = /\.test\.[a-z]+$/;
const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

// Running from src/ this module is itself TypeScript, so a TS loader (tsx) is already active in this
// thread (the process's --import, or worker-entry.mjs in a worker thread).
const FROM_SOURCE = TYPESCRIPT_FILE.test(import.meta.url);
let tsxRegistered: Promise<void> | undefined;

/**
 * Compiled (dist/), Nightshift runs as plain JavaScript and loads tsx only for a TypeScript job
 * file: once per thread, on the first such file, with a dynamic import so that a host whose job files
 * are all .js never loads it. (A host that itself runs under tsx gets a second, harmless copy of the
 * hooks in its main thread.)
 */
function typeScriptLoaderFor(file: string): Promise<void> | undefined {
  if (FROM_SOURCE || !TYPESCRIPT_FILE.test(file)) return undefined;
  return (tsxRegistered ??= import('tsx/esm/api').then(({ register }) => {
    register();
  }));
}

const definitionShape = z.object({
  name: z.string().regex(/^[A-Za-z][\w.-]{0,99}$/, 'letters, digits, "." "_" "-", starting with a letter'),
  description: z.string().min(1),
  schedule: z.string().refine(isValidCron, 'not a valid cron expression').optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  concurrency: z.number().int().min(1).optional(),
  run: z.function(),
});

export function jobFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => JOB_FILE.test(f) && !TEST_FILE.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => join(resolve(dir), f));
}

export async function loadJobFile(file: string): Promise<LoadedJob> {
  await typeScriptLoaderFor(file);
  const mod = await import(pathToFileURL(file).href);
  const definition = mod.default as JobDefinition<any> | undefined;
  const checked = definitionShape.safeParse(definition);
  if (!checked.success) {
    const why = checked.error.issues.map((i) => `${i.path.join('.') || 'default export'}: ${i.message}`).join('; ');
    throw new Error(`Job file ${file} must default-export defineJob({...}): ${why}`);
  }
  return { definition: definition!, file, timeoutMs: definition!.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

export async function loadJobs(dir: string): Promise<LoadedJob[]> {
  const jobs = await Promise.all(jobFilesIn(dir).map(loadJobFile));
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const other = seen.get(job.definition.name);
    if (other) throw new Error(`Job name "${job.definition.name}" is declared by both ${other} and ${job.file}`);
    seen.set(job.definition.name, job.file);
  }
  return jobs;
}
