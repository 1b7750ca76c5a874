// Finds job files in a folder and imports them. A job is added by adding a file; nothing else.
import { readdirSync, statSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { isValidCron } from './cron.ts';
import { DEFAULT_TIMEOUT_MS, jobFileOf, type JobDefinition } from './define.ts';

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

function checked(definition: unknown, where: string): LoadedJob['definition'] {
  const result = definitionShape.safeParse(definition);
  if (!result.success) {
    const why = result.error.issues.map((i) => `${i.path.join('.') || 'default export'}: ${i.message}`).join('; ');
    throw new Error(`${where} must default-export defineJob({...}): ${why}`);
  }
  return definition as LoadedJob['definition'];
}

export async function loadJobFile(file: string): Promise<LoadedJob> {
  await typeScriptLoaderFor(file);
  const mod = await import(pathToFileURL(file).href);
  const definition = checked(mod.default, `Job file ${file}`);
  return { definition, file, timeoutMs: definition.timeoutMs ?? DEFAULT_TIMEOUT_MS };
}

export async function loadJobs(dir: string): Promise<LoadedJob[]> {
  return unique(await Promise.all(jobFilesIn(dir).map(loadJobFile)));
}

/** A folder of job files, one job file, or a definition made by defineJob (which knows its file). */
export type JobSource = string | URL | JobDefinition<any>;

const pathOf = (source: string | URL) => (source instanceof URL ? fileURLToPath(source) : resolve(source));

/** Jobs from a folder, a file, or a list of folders, files and definitions (createNightshift's `jobs`). */
export async function loadJobSources(sources: JobSource | readonly JobSource[]): Promise<LoadedJob[]> {
  const list = Array.isArray(sources) ? (sources as readonly JobSource[]) : [sources as JobSource];
  const loaded = await Promise.all(
    list.map(async (source): Promise<LoadedJob[]> => {
      if (typeof source === 'string' || source instanceof URL) {
        const path = pathOf(source);
        return statSync(path).isDirectory() ? loadJobs(path) : [await loadJobFile(path)];
      }
      const definition = checked(source, `Job "${(source as { name?: unknown })?.name ?? '?'}"`);
      const file = jobFileOf(definition);
      // A thread imports the job's file again (functions cannot cross threads), so it must be known.
      if (!file) throw new Error(`Job "${definition.name}" was not made by defineJob in a file of its own; pass its file path or URL instead`);
      return [{ definition, file, timeoutMs: definition.timeoutMs ?? DEFAULT_TIMEOUT_MS }];
    }),
  );
  return unique(loaded.flat());
}

function unique(jobs: LoadedJob[]): LoadedJob[] {
  const seen = new Map<string, string>();
  for (const job of jobs) {
    const other = seen.get(job.definition.name);
    if (other) throw new Error(`Job name "${job.definition.name}" is declared by both ${other} and ${job.file}`);
    seen.set(job.definition.name, job.file);
  }
  return jobs;
}
