// Driver side of server-harness.ts: fork it with a config, wait for 'ready', send requests.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HarnessReply } from '../server-harness.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HARNESS = fileURLToPath(new URL('../server-harness.ts', import.meta.url));
export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes-long!!';

export interface Harness {
  url: string;
  startMs: number;
  child: ChildProcess;
  call<T extends HarnessReply>(message: Record<string, unknown> & { type: string }, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  stderr(): string;
}

export async function startHarness(env: Record<string, string>, execArgv: string[] = []): Promise<Harness> {
  const child = fork(HARNESS, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', ...execArgv],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      JOBS_ENABLED: 'true',
      JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      RUN_WAIT_MS: '120000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let errText = '';
  child.stderr!.on('data', (d: Buffer) => (errText = (errText + d.toString()).slice(-20_000)));
  child.stdout!.on('data', (d: Buffer) => (errText = (errText + d.toString()).slice(-20_000)));
  let nextId = 1;
  const waiting = new Map<number, (m: HarnessReply) => void>();
  const ready = new Promise<{ url: string; startMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start in 60 s:\n${errText}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`harness exited (${code}) before ready:\n${errText}`)));
    child.on('message', (raw) => {
      const m = raw as HarnessReply;
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: m.url, startMs: m.startMs });
      } else if ('id' in m) {
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    });
  });
  const { url, startMs } = await ready;
  const call = <T extends HarnessReply>(message: Record<string, unknown> & { type: string }, timeoutMs = 120_000) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`harness call ${message.type} timed out`)), timeoutMs);
      waiting.set(id, (m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      child.send({ ...message, id });
    });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      call({ type: 'stop' }, 30_000).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    })());
  return { url, startMs, child, call, stop, stderr: () => errText };
}
