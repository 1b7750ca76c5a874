// The runner's long-lived worker threads. Each starts from WORKER_ENTRY (Node 20 threads do not
// inherit tsx's loader) with queue-thread (.ts from src/, .js from dist/) as its entry. The pool starts, replaces (after a
// terminate or a crash) and stops threads, and routes their messages to the runner.
import { Worker } from 'node:worker_threads';
import type { LogRecord } from '../log/logger.ts';
import { threadModule, WORKER_ENTRY } from '../threads/paths.ts';
import type { JobOutcome, MainToThread, QueueThreadData, ThreadToMain } from './messages.ts';

const QUEUE_THREAD = threadModule('./queue-thread', import.meta.url);

export interface PoolThread {
  index: number;
  worker: Worker;
  ready: boolean;
  /** Set when we terminate it on purpose: its exit is not a crash. */
  retiring: boolean;
  /** Tokens of the jobs running or queued on it, with their type (see Placement). */
  assigned: Map<string, { type: string }>;
  /** Job files sent to it after start, waiting for its 'loaded' answer (settled on exit too). */
  loading: Map<string, (error?: string) => void>;
  send(message: MainToThread): void;
}

export interface PoolEvents {
  ready(thread: PoolThread): void;
  results(thread: PoolThread, results: JobOutcome[]): void;
  progress(message: Extract<ThreadToMain, { type: 'progress' }>): void;
  log(record: LogRecord): void;
  /** An exit we did not ask for (uncaught error in a job, out of memory, failed start). */
  crashed(thread: PoolThread, reason: string): void;
}

/** Pause before restarting a thread that died before it was ready. */
const RESTART_DELAY_MS = 1_000;

export class ThreadPool {
  readonly threads: PoolThread[] = [];
  private stopped = false;

  constructor(
    private readonly size: number,
    private readonly data: Omit<QueueThreadData, 'threadIndex'>,
    private readonly events: PoolEvents,
  ) {}

  /** Starts every thread and resolves when all are ready (they import the job files first). */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.size }, (_, i) => this.spawn(i)));
  }

  private spawn(index: number): Promise<PoolThread> {
    const worker = new Worker(WORKER_ENTRY, { workerData: { entry: QUEUE_THREAD, queue: { ...this.data, threadIndex: index } } });
    // Idle threads do not keep the process alive; a thread with work does (see setBusy).
    worker.unref();
    const thread: PoolThread = {
      index,
      worker,
      ready: false,
      retiring: false,
      assigned: new Map(),
      loading: new Map(),
      send: (message) => worker.postMessage(message),
    };
    this.threads[index] = thread;
    let failure: string | undefined;
    return new Promise((resolve, reject) => {
      worker.on('message', (m: ThreadToMain) => {
        if (m.type === 'results') this.events.results(thread, m.results);
        else if (m.type === 'progress') this.events.progress(m);
        else if (m.type === 'log') this.events.log(m.record);
        else if (m.type === 'loaded') thread.loading.get(m.jobType)?.(m.error);
        else if (m.type === 'ready') {
          thread.ready = true;
          resolve(thread);
          this.events.ready(thread);
        }
      });
      worker.on('error', (err) => (failure = err.message));
      worker.on('exit', (code) => {
        const wasReady = thread.ready;
        thread.ready = false;
        // Its replacement starts with every job file (this.data.jobFiles), the new ones included.
        for (const settle of thread.loading.values()) settle();
        if (thread.retiring || this.stopped) return;
        const reason = failure ?? `exited with code ${code}`;
        if (!wasReady) reject(new Error(`Queue thread ${index} failed to start: ${reason}`));
        this.events.crashed(thread, reason);
        // A thread that never got ready is likely to fail again (bad job file, database): slow down.
        if (this.threads[index] === thread) setTimeout(() => void this.respawn(index), wasReady ? 0 : RESTART_DELAY_MS).unref();
      });
    });
  }

  private async respawn(index: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.spawn(index);
    } catch {
      /* the new thread's own exit handler reports and retries */
    }
  }

  /**
   * Makes a job type registered after start runnable on every thread: threads started from now on
   * import its file with the others, running ones are sent it and answer once imported. Rejects
   * with the first thread's import error.
   */
  async loadJobFile(type: string, file: string): Promise<void> {
    this.data.jobFiles[type] = file;
    const answers = this.threads.map(
      (thread) =>
        new Promise<string | undefined>((resolve) => {
          thread.loading.set(type, (error) => {
            thread.loading.delete(type);
            resolve(error);
          });
          thread.send({ type: 'load', jobType: type, file });
        }),
    );
    const error = (await Promise.all(answers)).find((e) => e !== undefined);
    if (error === undefined) return;
    delete this.data.jobFiles[type];
    throw new Error(`Queue threads could not load the job file ${file}: ${error}`);
  }

  /** Terminates a thread for real (timeout, ignored cancel) and starts a fresh one in its place. */
  replace(thread: PoolThread): void {
    thread.retiring = true;
    thread.ready = false;
    void thread.worker.terminate();
    if (!this.stopped && this.threads[thread.index] === thread) void this.respawn(thread.index);
  }

  /** Keep the process alive while a thread has work; let it exit when all are idle. */
  setBusy(thread: PoolThread, busy: boolean): void {
    if (busy) thread.worker.ref();
    else thread.worker.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      this.threads.map((t) => {
        t.retiring = true;
        return t.worker.terminate();
      }),
    );
  }
}
