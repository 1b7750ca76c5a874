import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BENCH_DIR = join(REPO_ROOT, 'bench', 'queue');
export const BENCH_JOBS = [join(BENCH_DIR, 'jobs', 'noop.ts'), join(BENCH_DIR, 'jobs', 'latency.ts')];
/** bench/.tmp/ is gitignored. */
export const TMP_DIR = join(REPO_ROOT, 'bench', '.tmp', 'queue');

/** A database path that does not exist yet (any leftover file and its -wal/-shm are removed). */
export function freshDbPath(name: string): string {
  mkdirSync(TMP_DIR, { recursive: true });
  const path = join(TMP_DIR, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  return path;
}

export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}
