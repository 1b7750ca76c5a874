// JobScheduler: the programmatic API of seed 002 (register, list, start, stop, runNow, getStatus,
// getJobStatus) over Bree. It owns the rules users rely on: one scheduler per database (a lease in
// the store), no overlapping runs (recorded as skipped), one catch-up run after downtime, real timeouts,
// bounded shutdown, and a job_runs row for every run whatever happens to its thread.
import { hostname } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { isOwnerGone, markLive, markStopped, newOwnerId, parseOwner } from '../core/owner.ts';
import { describeCron } from '../jobs/cron.ts';
import type { RunTrigger } from '../jobs/define.ts';
import type { LoadedJob } from '../jobs/load.ts';
import { FailureEpisode } from '../log/episode.ts';
import { errorFields } from '../log/logger.ts';
import { StorageFullError } from '../store/errors.ts';
import type { FinalStatus } from '../runs/types.ts';
import { isThreadMessage } from '../threads/messages.ts';
import { createBreeRunner, type BreeRunner } from './bree.ts';
import { missedJobs } from './catch-up.ts';
import { JobAlreadyRunningError, JobsDisabledError, SchedulerNotRunningError, UnknownJobError } from './errors.ts';
import type { JobThreadData } from './job-thread.ts';
import { jobStatus, type JobStatus } from './status.ts';
import type { Inflight, RunHandle, RunOutcome, SchedulerOptions, SchedulerRole } from './types.ts';

export type { JobStatus } from './status.ts';

export type { RunHandle, RunOutcome, SchedulerEvents, SchedulerOptions, SchedulerRole } from './types.ts';

/** How long a job thread may take to start before its timeout begins counting anyway. */
const THREAD_STARTUP_ALLOWANCE_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export class JobScheduler {
  readonly owner = newOwnerId();
  readonly timezone: string;
  private readonly jobs = new Map<string, LoadedJob>();
  private readonly inflight = new Map<string, Inflight>();
  private readonly leaseMs: number;
  private runner?: BreeRunner;
  private role: SchedulerRole = 'stopped';
  private starting?: Promise<void>;
  private leaseTimer?: NodeJS.Timeout;
  /** Set as stop() begins: no new runs are accepted from then on. */
  private stopping = false;
  /** Set once stop()'s grace period is over: threads still starting are terminated on arrival. */
  private terminating = false;

  constructor(private readonly options: SchedulerOptions) {
    this.timezone = options.timezone ?? 'UTC';
    this.leaseMs = options.leaseMs ?? 15_000;
    const interval = Math.max(250, this.leaseMs / 3);
    this.leaseFailures = new FailureEpisode(options.logger, {
      failed: 'Could not renew the scheduler lease',
      recovered: 'Scheduler lease renewed again',
      backoff: { baseMs: interval, maxMs: 4 * interval, when: (err) => err instanceof StorageFullError },
    });
    for (const job of options.jobs ?? []) if (job.definition.schedule) this.add(job);
  }

  /**
   * Adds a scheduled job. Before start() it is simply part of the start; after it, it joins the
   * running scheduler (its cron timers start at once when this instance leads). Resolves once it is
   * scheduled.
   */
  async register(job: LoadedJob): Promise<void> {
    this.add(job);
    if (!this.starting) return;
    await this.starting;
    await this.options.store.schedules.recordFirstSeen([job.definition.name], Date.now());
    await this.runner?.add(job);
    this.options.logger.info('Scheduled job registered', { job: job.definition.name, schedule: job.definition.schedule });
  }

  private add(job: LoadedJob): void {
    if (!job.definition.schedule) throw new Error(`Job "${job.definition.name}" has no schedule`);
    if (this.jobs.has(job.definition.name)) throw new Error(`Job "${job.definition.name}" is already registered`);
    this.jobs.set(job.definition.name, job);
  }

  list(): LoadedJob[] {
    return [...this.jobs.values()];
  }

  has(name: string): boolean {
    return this.jobs.has(name);
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  get currentRole(): SchedulerRole {
    return this.options.enabled ? this.role : 'disabled';
  }

  /** Idempotent: a second call (a dev reload, a double import) returns the first start. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { store, logger } = this.options;
    if (!this.options.enabled) {
      logger.info('Jobs scheduler disabled (JOBS_ENABLED=false): no scheduler and no job threads');
      return;
    }
    markLive(this.owner);
    await this.closeAbandoned();
    await store.schedules.recordFirstSeen([...this.jobs.keys()], Date.now());
    await this.startRunner((name) => this.onTick(name));
    await this.contendForLease();
    this.leaseTimer = setInterval(() => void this.contendForLease(), Math.max(250, this.leaseMs / 3));
    this.leaseTimer.unref();
  }

  /**
   * Starts only what runNow() needs, without contending for the lease: no cron timers, no catch-up,
   * and a server's scheduler keeps (or takes) the lease. For one-off runs from another process, such
   * as `nightshift run <name>`: the run is a 'manual' job_runs row like any other, and the ledger's
   * IMMEDIATE check still refuses a run that overlaps one in any process. Stop it with stop().
   */
  startForManualRuns(): Promise<void> {
    this.starting ??= (async () => {
      if (!this.options.enabled) return;
      markLive(this.owner);
      await this.startRunner(() => {});
    })();
    return this.starting;
  }

  /** Bree, ready to run threads (its cron timers start only when this instance leads), as standby. */
  private async startRunner(onTick: (name: string) => void | Promise<void>): Promise<void> {
    this.runner = createBreeRunner(this.list(), this.timezone, {
      onTick: (name) => void onTick(name),
      onWorker: (name, worker, run) => this.watch(name, worker, run),
    });
    await this.runner.init();
    this.role = 'standby';
  }

  private async closeAbandoned(): Promise<void> {
    // A run cannot outlive its timeout plus thread start-up (its owner terminates it), plus a margin.
    const maxRunMs = (name: string) => {
      const job = this.jobs.get(name);
      return job && job.timeoutMs + THREAD_STARTUP_ALLOWANCE_MS + 60_000;
    };
    const closed = await this.options.store.runs.closeAbandoned(isOwnerGone, Date.now(), maxRunMs);
    if (closed > 0) this.options.logger.warn('Closed runs left running by a stopped process', { abandoned: closed });
    if (closed > 0) this.options.events?.abandonedClosed?.(closed);
  }

  private async contendForLease(): Promise<void> {
    if (this.role !== 'standby' && this.role !== 'leader') return;
    if (!this.leaseFailures.due()) return; // backing off: the disk is full
    let holds: boolean;
    try {
      holds = await this.options.store.leader.acquire({
        owner: this.owner,
        pid: parseOwner(this.owner)?.pid ?? process.pid,
        hostname: hostname(),
        ttlMs: this.leaseMs,
        now: Date.now(),
        isOwnerGone,
      });
    } catch (err) {
      // A busy database is not a lost lease: keep the current role and try again next interval.
      this.leaseFailures.failed(err);
      return;
    }
    this.leaseFailures.succeeded();
    if (holds && this.role === 'standby') await this.lead();
    else if (!holds && this.role === 'leader') this.stepDown();
    else if (!holds && !this.announcedStandby) {
      this.announcedStandby = true;
      this.options.logger.info('Jobs scheduler standing by: another scheduler holds this database', {
        holder: (await this.options.store.leader.read())?.owner,
      });
    }
  }
  private announcedStandby = false;
  /**
   * Renewal failures: logged once when they start and once when they end. On a full disk the
   * renewals back off (up to 4 intervals apart) until one succeeds; a busy database does not.
   */
  private readonly leaseFailures: FailureEpisode;

  private async lead(): Promise<void> {
    const { logger, store } = this.options;
    this.role = 'leader';
    logger.info('Jobs scheduler enabled', { owner: this.owner, timezone: this.timezone });
    logger.info('Scheduled jobs:');
    for (const job of this.list()) {
      const cron = job.definition.schedule!;
      logger.info(`  - ${job.definition.name}: ${describeCron(cron).toLowerCase()} (${cron})`, { job: job.definition.name, schedule: cron });
    }
    await this.closeAbandoned(); // a leader that took over also closes what the dead one left running
    await this.runner!.startTimers();
    const scheduled = this.list().map((j) => ({ name: j.definition.name, schedule: j.definition.schedule! }));
    for (const name of await missedJobs(store, scheduled, this.timezone)) {
      logger.info('Catching up a run missed while the server was down', { job: name });
      void this.runOrRecordSkip(name, 'catch-up');
    }
  }

  private stepDown(): void {
    this.role = 'standby';
    this.runner?.stopTimers();
    this.options.logger.warn('Scheduler lease lost to another process; standing by', { owner: this.owner });
  }

  /**
   * A cron tick. Fires only while this instance holds an unexpired lease: a leader whose event loop
   * stalled past the lease may have been replaced, and must not run the same due time again.
   */
  private async onTick(name: string): Promise<void> {
    const lease = await this.options.store.leader.read();
    if (this.role !== 'leader' || lease?.owner !== this.owner || lease.expiresAt <= Date.now()) {
      this.options.logger.warn('Ignored a cron tick: this scheduler no longer holds the lease', { job: name });
      if (this.role === 'leader') this.stepDown();
      return;
    }
    await this.runOrRecordSkip(name, 'schedule');
  }

  private async runOrRecordSkip(name: string, trigger: RunTrigger): Promise<void> {
    try {
      await this.runNow(name, trigger);
    } catch (err) {
      if (err instanceof JobAlreadyRunningError) {
        await this.options.store.runs.recordSkipped({ name, trigger, owner: this.owner, reason: `Still running (run ${err.runningRunId})` });
        this.options.events?.runFinished?.({ name, status: 'skipped', trigger, durationMs: null });
        this.options.logger.warn('Skipped a run: the previous run is still going', { job: name, trigger, runningRunId: err.runningRunId });
      } else {
        this.options.logger.error('Could not start a run', { job: name, trigger, ...errorFields(err) });
      }
    }
  }

  /** Starts a run in a worker thread now. Throws UnknownJobError, JobAlreadyRunningError, JobsDisabledError. */
  async runNow(name: string, trigger: RunTrigger = 'manual'): Promise<RunHandle> {
    const job = this.jobs.get(name);
    if (!job) throw new UnknownJobError(name);
    if (!this.options.enabled) throw new JobsDisabledError();
    if (!this.runner || this.role === 'stopped' || this.stopping) throw new SchedulerNotRunningError();
    const { store, logger } = this.options;
    let started = await store.runs.start({ name, trigger, owner: this.owner });
    if (!started.started) {
      // The running row may be a leftover of a process that died since start-up: close those first.
      await this.closeAbandoned();
      started = await store.runs.start({ name, trigger, owner: this.owner });
    }
    if (!started.started) throw new JobAlreadyRunningError(name, started.runningRunId);
    const runId = started.runId;
    let settle!: (o: RunOutcome) => void;
    const done = new Promise<RunOutcome>((resolve) => (settle = resolve));
    this.inflight.set(runId, { name, runId, cancelRequested: false, done, settle });
    logger.info('Job run started', { job: name, runId, trigger });
    const data: JobThreadData = {
      runId,
      jobFile: job.file,
      store: store.threadSpec,
      trigger,
      logLevel: this.options.logLevel ?? 'info',
    };
    try {
      if (!(await this.runner.launch(name, data))) void this.finish(runId, { status: 'skipped', error: 'A thread for this job was still exiting' });
    } catch (err) {
      void this.finish(runId, { status: 'failed', error: `Could not start the worker thread: ${(err as Error).message}` });
    }
    return { runId, name, done };
  }

  private watch(name: string, worker: Worker, run: JobThreadData): void {
    const inflight = this.inflight.get(run.runId);
    if (inflight) inflight.worker = worker;
    // stop() began before this thread existed: it is cancelled as it starts, and ended with the rest.
    if (inflight?.cancelRequested) worker.postMessage('cancel');
    if (this.terminating) void worker.terminate();
    const timeoutMs = this.jobs.get(name)!.timeoutMs;
    let error: string | undefined;
    let timedOut = false;
    const kill = () => {
      timedOut = true;
      void worker.terminate();
    };
    // The job's clock starts when the thread has loaded it ('started'), so the thread's own start-up
    // (tsx registration, ~0.3 s) does not eat into short timeouts; start-up itself is bounded too.
    let timer = setTimeout(kill, timeoutMs + THREAD_STARTUP_ALLOWANCE_MS);
    worker.on('message', (message) => {
      if (!isThreadMessage(message)) return;
      if (message.type === 'started') {
        clearTimeout(timer);
        timer = setTimeout(kill, timeoutMs);
      } else if (message.type === 'log') {
        const { level, msg, time: _time, ...fields } = message.record;
        this.options.logger[level](msg, fields);
      }
    });
    worker.on('error', (err) => (error = err.message));
    worker.on('exit', (code) => {
      clearTimeout(timer);
      const outcome = timedOut
        ? { status: 'failed' as const, error: `Timed out after ${timeoutMs} ms; the worker thread was terminated` }
        : inflight?.cancelRequested
          ? { status: 'cancelled' as const, error: error ?? 'Stopped at shutdown' }
          : error !== undefined
            ? { status: 'failed' as const, error }
            : code !== 0
              ? { status: 'failed' as const, error: `Worker thread exited with code ${code}` }
              : // Exit code 0 after a success the thread recorded itself: finish() only reads the row back.
                { status: 'failed' as const, error: 'Worker thread exited without reporting a result' };
      void this.finish(run.runId, outcome);
    });
  }

  /** Records the outcome unless the thread already did, then settles the run's promise. */
  private async finish(runId: string, outcome: { status: FinalStatus; error: string }): Promise<void> {
    const { store, logger } = this.options;
    let run;
    try {
      await store.runs.finish(runId, outcome);
      run = (await store.runs.get(runId))!;
    } catch (err) {
      // Only after a forced shutdown closed the database: the next start closes the row as abandoned.
      const inflight = this.inflight.get(runId);
      this.inflight.delete(runId);
      logger.warn('Could not record the end of a run', { runId, ...errorFields(err) });
      inflight?.settle({ runId, name: inflight.name, status: outcome.status, details: null, error: outcome.error, durationMs: null });
      return;
    }
    const result: RunOutcome = {
      runId,
      name: run.name,
      status: run.status as FinalStatus,
      details: run.details,
      error: run.error,
      durationMs: run.durationMs,
    };
    const fields = { job: run.name, runId, status: run.status, durationMs: run.durationMs, details: run.details ?? undefined };
    if (run.status === 'success') logger.info('Job run finished', fields);
    else logger.error('Job run finished', { ...fields, error: run.error });
    this.options.events?.runFinished?.({ name: run.name, status: result.status, trigger: run.trigger, durationMs: run.durationMs });
    const inflight = this.inflight.get(runId);
    this.inflight.delete(runId);
    inflight?.settle(result);
  }

  /** Stops the timers, asks running jobs to cancel, waits up to the grace period, then terminates. */
  stop(graceMs = this.options.shutdownGraceMs ?? 10_000): Promise<void> {
    // The flag is raised synchronously: from this call on, runNow() refuses new runs.
    this.stopping = true;
    this.stopped ??= this.doStop(graceMs).finally(() => {
      this.stopping = false;
      this.stopped = undefined;
    });
    return this.stopped;
  }
  private stopped?: Promise<void>;

  private async doStop(graceMs: number): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.role === 'stopped') return;
    clearInterval(this.leaseTimer);
    this.runner?.stopTimers();
    const running = [...this.inflight.values()];
    for (const run of running) {
      run.cancelRequested = true;
      run.worker?.postMessage('cancel'); // a run whose thread is not up yet is cancelled in watch()
    }
    if (running.length) this.options.logger.info('Waiting for running jobs', { jobs: running.map((r) => r.name), graceMs });
    await Promise.race([Promise.all(running.map((r) => r.done)), sleep(graceMs)]);
    this.terminating = true;
    for (const run of this.inflight.values()) {
      run.cancelRequested = true;
      void run.worker?.terminate();
    }
    await Promise.all([...this.inflight.values()].map((r) => r.done));
    if (this.role === 'leader') await this.options.store.leader.release(this.owner);
    markStopped(this.owner);
    this.role = 'stopped';
    this.terminating = false;
    this.options.logger.info('Jobs scheduler stopped');
  }

  /** Resolves when every run in flight now has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.inflight.values()].map((r) => r.done));
  }

  async getJobStatus(name: string): Promise<JobStatus | undefined> {
    const job = this.jobs.get(name);
    if (!job) return undefined;
    return jobStatus(job, {
      store: this.options.store,
      timezone: this.timezone,
      scheduling: this.currentRole !== 'disabled',
      runningHere: [...this.inflight.values()].some((r) => r.name === name),
    });
  }

  async getStatus() {
    const holder = this.options.enabled ? await this.options.store.leader.read() : undefined;
    const jobs = await Promise.all(this.list().map(async (j) => (await this.getJobStatus(j.definition.name))!));
    return {
      running: this.role === 'leader',
      enabled: this.options.enabled,
      role: this.currentRole,
      timezone: this.timezone,
      leaseHolder: holder ? { owner: holder.owner, expiresAt: new Date(holder.expiresAt).toISOString() } : null,
      runningJobs: new Set([...this.inflight.values()].map((r) => r.name)).size,
      jobs,
    };
  }
}
