// The Bree side of the scheduler. Bree owns the cron timers and starts one worker thread per run;
// Nightshift hooks into its two extension points:
//   - `run(name)`, which Bree's timers call on every tick: we turn a tick into a recorded run (or a
//     recorded skip when the job is still running) instead of Bree's silent "already running".
//   - `createWorker(file, options)`: we add the run's context (run id, how to open the store) to
//     workerData and let the scheduler watch the thread.
import Bree from 'bree';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { LoadedJob } from '../jobs/load.ts';
import { hasSeconds } from '../jobs/cron.ts';
import { threadModule, WORKER_ENTRY } from '../threads/paths.ts';
import type { JobThreadData } from './job-thread.ts';

const JOB_THREAD = threadModule('./job-thread', import.meta.url);

export interface BreeHooks {
  /** A cron tick for `name`. */
  onTick(name: string): void;
  /** A thread was started for a run we asked for. */
  onWorker(name: string, worker: Worker, run: JobThreadData): void;
}

export interface BreeRunner {
  init(): Promise<void>;
  /** Start every job's cron timers. */
  startTimers(): Promise<void>;
  /** Stop the timers (running threads go on). */
  stopTimers(): void;
  /** Start a thread for one run now. Returns false if Bree refused (a thread for the job exists). */
  launch(name: string, run: JobThreadData): Promise<boolean>;
  /** Adds a job after init (its timers start at once if the timers are on). */
  add(job: LoadedJob): Promise<void>;
  /** Ask running threads to cancel (the job's AbortSignal fires). */
  cancelAll(): void;
  runningThreads(): Map<string, Worker>;
}

export function createBreeRunner(jobs: LoadedJob[], timezone: string, hooks: BreeHooks): BreeRunner {
  const scheduled = jobs.filter((j) => j.definition.schedule);
  const breeJob = (j: LoadedJob) => ({
    name: j.definition.name,
    path: WORKER_ENTRY,
    cron: j.definition.schedule,
    hasSeconds: hasSeconds(j.definition.schedule!),
    worker: { workerData: { entry: JOB_THREAD } },
  });
  const bree = new Bree({
    root: false,
    doRootCheck: false,
    logger: false,
    timezone,
    // Our messages (logs, progress) are handled by the scheduler's own listener.
    workerMessageHandler: () => {},
    errorHandler: () => {},
    jobs: scheduled.map(breeJob),
  });

  // Runs we asked for, waiting for Bree to create their thread (consumed in createWorker).
  const pending = new Map<string, JobThreadData>();
  // Bree refuses to start a job's timers while its thread runs; such timers start when it exits.
  const deferredTimers = new Set<string>();
  let timersOn = false;
  const startTimer = async (name: string) => {
    if (bree.workers.has(name)) deferredTimers.add(name);
    else await bree.start(name);
  };
  const breeRun = bree.run;
  const breeCreateWorker = bree.createWorker.bind(bree);

  bree.run = async (name?: string) => {
    if (name === undefined) throw new Error('Nightshift starts runs one job at a time');
    if (pending.has(name)) return breeRun(name);
    hooks.onTick(name);
  };

  bree.createWorker = (filename: string, options: Partial<WorkerOptions>) => {
    const data = options.workerData as { job: { name: string } };
    const run = pending.get(data.job.name);
    if (!run) throw new Error(`No run prepared for job "${data.job.name}"`);
    pending.delete(data.job.name);
    const worker = breeCreateWorker(filename, { ...options, workerData: { ...data, run } });
    hooks.onWorker(data.job.name, worker, run);
    worker.once('exit', () =>
      // After Bree's own exit listener has forgotten the thread.
      setImmediate(() => {
        if (timersOn && deferredTimers.delete(data.job.name)) void startTimer(data.job.name);
      }),
    );
    return worker;
  };

  return {
    init: () => (bree as unknown as { init(): Promise<void> }).init(),
    async startTimers() {
      timersOn = true;
      for (const job of scheduled) await startTimer(job.definition.name);
    },
    stopTimers() {
      timersOn = false;
      deferredTimers.clear();
      for (const job of scheduled) {
        bree.removeSafeTimer('timeouts', job.definition.name);
        bree.removeSafeTimer('intervals', job.definition.name);
      }
    },
    async launch(name, run) {
      pending.set(name, run);
      try {
        await bree.run(name);
        return !pending.has(name);
      } finally {
        pending.delete(name);
      }
    },
    async add(job) {
      await (bree as unknown as { add(jobs: unknown[]): Promise<void> }).add([breeJob(job)]);
      scheduled.push(job);
      if (timersOn) await startTimer(job.definition.name);
    },
    cancelAll() {
      for (const worker of bree.workers.values()) worker.postMessage('cancel');
    },
    runningThreads: () => bree.workers,
  };
}
