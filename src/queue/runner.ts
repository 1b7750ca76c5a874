// QueueRunner: runs queued jobs in long-lived worker threads. The main thread owns every queue
// write and batches them: each tick is one store transaction (store.jobs.tick) that records the
// endings reported since the last tick, opens run rows of attempts that run for a while, writes
// progress, and claims as many ready jobs as the threads can take. Threads only run handlers
// (src/queue/queue-thread.ts). Delivery is at-least-once: see the store's leases.
import { settle } from '../core/awaitable.ts';
import { markLive, markStopped, newOwnerId } from '../core/owner.ts';
import type { LoadedJob } from '../jobs/load.ts';
import { errorFields, type Logger } from '../log/logger.ts';
import type { Applied, ClaimedRow, NightshiftStore, TickRequest, TickResult } from '../store/types.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { claimPlan } from './claim.ts';
import { Flights, unref } from './flights.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import { Alarm, pollCancels, renewAndRecover, upkeepFailures, warnUnhandledTypes, type Upkeep } from './maintenance.ts';
import type { RunJob } from './messages.ts';
import { attemptOutcome, logEnding, planEnding } from './outcomes.ts';
import { Placement } from './placement.ts';
import { ThreadPool, type PoolThread } from './thread-pool.ts';
import type { QueueRunnerOptions, RunnerState } from './runner-types.ts';

export type { QueueRunnerEvents, QueueRunnerOptions, RunnerState } from './runner-types.ts';

/** An attempt's job_runs row is opened once it has run this long (shorter ones get it at the end). */
export const RUN_ROW_DELAY_MS = 200;
/**
 * Most jobs queued on one thread. Only jobs measured to be very short queue this deep (the 5 ms
 * queuedBudgetMs caps slower ones): 256 µs-jobs per thread means fewer, bigger claim/completion
 * transactions (bench/RESULTS-queue.md: +30% jobs/s over 64) at no latency cost.
 */
const DEFAULT_MAX_PREFETCH = 256;
/** Retry of a failed tick: SQLITE_BUSY/LOCKED soon; other errors back off from BASE to MAX. */
const TICK_RETRY_BUSY_MS = 10;
const TICK_RETRY_BASE_MS = 100;
const TICK_RETRY_MAX_MS = 5_000;

export class QueueRunner {
  readonly owner = newOwnerId();
  readonly types: JobTypes;
  private readonly store: NightshiftStore;
  private readonly logger: Logger;
  private readonly pool: ThreadPool;
  private readonly placement: Placement;
  private readonly flights: Flights;
  private readonly backoff: BackoffOptions;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private state: RunnerState = 'idle';
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  /** Types an operator paused (refreshed every poll): never claimed while paused. */
  private paused: ReadonlySet<string> = new Set();
  /** Types with ready jobs but no job file here, already warned about (once each). */
  private readonly warnedTypes = new Set<string>();
  private tickQueued = false;
  /** A tick whose store call has not answered yet (an async store); the next waits for it. */
  private tickInFlight = false;
  private timers: NodeJS.Timeout[] = [];
  /** The next delayed job this runner knows of (runAt, retry backoff). */
  private readonly dueAlarm = new Alarm(() => this.wake());
  /** The next attempt to get its job_runs row (RUN_ROW_DELAY_MS). */
  private readonly runRowAlarm = new Alarm(() => this.wake());
  private readonly upkeep: Upkeep;
  private drainWaiters: (() => void)[] = [];
  /** Undoes what the store tuned for a running runner (SQLite: checkpoints moved off the main thread). */
  private detachFromStore?: () => void;
  private readonly counters = { claimed: 0, completed: 0, retried: 0, failed: 0, cancelled: 0, released: 0, recovered: 0, ticks: 0, tickErrors: 0 };
  /** Consecutive failed ticks, and the last error logged (each distinct one is logged once). */
  private failures = 0;
  private lastFailure?: string;
  /** After a failed tick, no tick before this (performance.now()); polls and wakes wait for it. */
  private retryAt = 0;

  constructor(private readonly options: QueueRunnerOptions) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new Error('QueueRunner needs at least one worker thread');
    this.store = options.store;
    this.logger = options.logger;
    this.types = jobTypesFor(options.jobs);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.placement = new Placement(this.types, { maxPrefetch: options.maxPrefetch ?? DEFAULT_MAX_PREFETCH, queuedBudgetMs: options.queuedBudgetMs ?? 5 });
    const jobFiles = Object.fromEntries(this.types.all().map((t) => [t.name, t.job.file]));
    this.pool = new ThreadPool(
      workers,
      {
        store: options.store.threadSpec,
        jobFiles,
        logLevel: options.logLevel ?? 'info',
        checkpointIntervalMs: options.checkpointIntervalMs ?? 200,
      },
      {
        ready: () => this.wake(),
        results: (_thread, results) => this.flights.onResults(results),
        progress: (m) => this.flights.onProgress(m),
        log: ({ level, msg, time: _time, ...fields }) => this.logger[level](msg, fields),
        crashed: (thread, reason) => this.flights.onCrash(thread, reason),
      },
    );
    this.flights = new Flights(this.types, this.logger, options.cancelGraceMs ?? 5_000, {
      wake: () => this.wake(),
      replaceThread: (thread) => this.pool.replace(thread),
      setBusy: (thread, busy) => this.pool.setBusy(thread, busy),
      record: (type, ms) => this.placement.record(type, ms),
    });
    this.upkeep = { store: this.store, logger: this.logger, flights: this.flights, owner: this.owner, leaseMs: this.leaseMs, failures: upkeepFailures(this.logger) };
  }

  /** Recovers what dead runners left, starts the threads (resolves once they are ready) and the timers. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.state = 'starting';
    markLive(this.owner);
    await this.maintain();
    await this.refreshPaused();
    try {
      await this.pool.start();
    } catch (err) {
      await this.pool.stop();
      markStopped(this.owner);
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    this.detachFromStore = this.store.runnerAttached?.({ backgroundCheckpoints: (this.options.checkpointIntervalMs ?? 200) > 0 });
    this.timers = [
      unref(setInterval(() => this.poll(), this.pollIntervalMs)),
      unref(setInterval(() => void this.maintain(), Math.max(100, Math.floor(this.leaseMs / 3)))),
    ];
    this.logger.info('Queue runner started', { owner: this.owner, threads: this.pool.threads.length, leaseMs: this.leaseMs });
    this.wake();
  }

  /**
   * Claim now instead of at the next poll. Queue calls it after each enqueue with the job's runAt,
   * so a delayed job (or a retry this runner scheduled) starts on time, not at the next poll.
   */
  wake(runAt?: Date | string | number): void {
    const due = runAt === undefined ? 0 : new Date(runAt).getTime();
    if (due > Date.now()) return this.wakeAt(due);
    this.queueTick();
  }

  private wakeAt(due: number): void {
    if (this.state !== 'stopped' && this.state !== 'stopping') this.dueAlarm.set(due);
  }

  private queueTick(): void {
    if (this.tickQueued || (this.state !== 'running' && this.state !== 'stopping')) return;
    this.tickQueued = true;
    // Never synchronous: the tick must run after the current code, i.e. after the enqueuing
    // transaction ends. Always the next turn of the event loop: endings arriving in a burst are
    // batched anyway (the thread posts them 8 at a time and tickQueued coalesces wakes until the
    // tick runs); an extra ~1 ms wait to gather more measured as idle main-thread time, not
    // throughput (bench/RESULTS-queue.md).
    setImmediate(() => this.tick());
  }

  private tick(): void {
    this.tickQueued = false;
    if (this.state !== 'running' && this.state !== 'stopping') return;
    // One tick at a time: with an async store the next waits for this one's answer.
    if (this.tickInFlight) return void (this.tickQueued = true);
    // Backing off after a failed tick: the retry timer wakes us (the final tick of stop() still runs).
    if (this.state === 'running' && performance.now() < this.retryAt) return;
    // Never write inside someone else's open transaction on a shared connection: it could roll back.
    if (this.store.connectionBusy?.()) return void unref(setTimeout(() => this.wake(), 1));
    const now = Date.now();
    const threads = this.pool.threads.map((t) => ({ ready: t.ready && !t.retiring, assigned: [...t.assigned.values()] }));
    const room = this.state === 'running' ? this.placement.room(threads) : 0;
    const needRows = this.flights.needingRunRows(now, RUN_ROW_DELAY_MS);
    const endings = this.flights.takeEndings();
    const progress = this.flights.takeProgress();
    if (endings.length === 0 && progress.length === 0 && room === 0 && needRows.length === 0) return;
    const plan = room > 0 ? claimPlan({ types: this.types, placement: this.placement, threads, room, caps: this.types.caps(), paused: this.paused }) : undefined;
    const request: TickRequest = {
      now,
      owner: this.owner,
      leaseMs: this.leaseMs,
      endings,
      planEnding: (ending, attempt) => planEnding(ending, attempt, now, this.backoff),
      openRuns: needRows.map((f) => ({ runId: f.runId, type: f.type, jobId: f.id, traceId: f.traceId, startedAt: f.startedAt })),
      progress,
      claim: plan?.request,
    };
    this.tickInFlight = true;
    const settled = settle(
      () => this.store.jobs.tick(request),
      (result) => {
        this.tickInFlight = false;
        this.afterTick(result, now, needRows, plan?.threadOf);
      },
      (err) => {
        this.tickInFlight = false;
        this.flights.restore(endings, progress);
        this.tickFailed(err);
      },
    );
    void settled?.then(() => this.tickQueued && ((this.tickQueued = false), this.queueTick()));
  }

  private afterTick(result: TickResult, now: number, needRows: ReturnType<Flights['needingRunRows']>, threadOf: Map<string, number> | undefined): void {
    if (this.failures > 0) this.logger.info('Queue runner writes to the database again', { failedTicks: this.failures });
    this.failures = 0;
    this.lastFailure = undefined;
    this.retryAt = 0;
    this.counters.ticks += 1;
    for (const f of needRows) f.runOpen = true;
    for (const a of result.applied) {
      this.count(a);
      this.options.events?.attemptEnded?.(a, now);
      logEnding(this.logger, a, now);
      if (a.written && a.plan?.status === 'pending' && a.plan.runAt !== undefined) this.wakeAt(a.plan.runAt);
    }
    if (threadOf) this.dispatch(result.claimed, threadOf, now);
    // A burst of jobs became due at once: the store made a bounded share ready; the rest next tick.
    if (result.moreDue) this.queueTick();
    // A tick soon after the oldest row-less attempt passes RUN_ROW_DELAY_MS, even if nothing else happens.
    if (!this.runRowAlarm.armed && this.flights.anyWithoutRunRow()) this.runRowAlarm.set(Date.now() + RUN_ROW_DELAY_MS + 5);
    if (this.flights.size === 0 && this.flights.pendingEndings === 0) for (const done of this.drainWaiters.splice(0)) done();
  }

  /**
   * A tick's transaction failed; its endings and progress were put back. A busy or locked database
   * (another process held the write lock past its timeout) is transient: retry soon, quietly after
   * the first. Anything else (a constraint, a schema mismatch, a full disk, a read-only file) will
   * likely fail again: logged at error level once per distinct message, retried with exponential
   * backoff up to TICK_RETRY_MAX_MS so it is loud but does not spin.
   */
  private tickFailed(err: unknown): void {
    this.failures += 1;
    const code = (err as { code?: unknown })?.code;
    const transient = typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
    const message = `${typeof code === 'string' ? code + ': ' : ''}${(err as Error)?.message ?? String(err)}`;
    const delay = transient
      ? TICK_RETRY_BUSY_MS
      : Math.min(TICK_RETRY_MAX_MS, TICK_RETRY_BASE_MS * 2 ** Math.min(16, this.failures - 1));
    if (message !== this.lastFailure) {
      this.lastFailure = message;
      const fields = { ...errorFields(err), retryInMs: delay, failures: this.failures };
      if (transient) this.logger.warn('Queue runner could not write to the database (busy); retrying', fields);
      else this.logger.error('Queue runner could not write to the database; retrying with backoff', fields);
    }
    this.counters.tickErrors += 1;
    this.retryAt = performance.now() + delay;
    unref(setTimeout(() => this.wake(), delay));
  }

  private dispatch(claimed: readonly ClaimedRow[], threadOf: Map<string, number>, now: number): void {
    const batches = new Map<PoolThread, RunJob[]>();
    for (const row of claimed) {
      const thread = this.pool.threads[threadOf.get(row.id)!]!;
      const job = this.flights.start(row, thread, now);
      let batch = batches.get(thread);
      if (!batch) batches.set(thread, (batch = []));
      batch.push(job);
      this.logger.debug('Queue job started', { job: job.type, jobId: job.id, traceId: job.traceId, attempt: job.attempt, runId: job.runId });
    }
    this.counters.claimed += claimed.length;
    for (const [thread, jobs] of batches) thread.send({ type: 'run', jobs });
  }

  /**
   * Readies this runner's threads for a job type registered after start (ns.register): each imports
   * the file before the caller adds the type to the shared JobTypes, so no job of it is claimed by
   * a thread that cannot run it. Rejects with a thread's import error.
   */
  loadJobFile(job: LoadedJob): Promise<void> {
    return this.pool.loadJobFile(job.definition.name, job.file);
  }

  /**
   * Asks a running job to stop: its AbortSignal fires; after cancelGraceMs its thread is terminated
   * and the job recorded 'cancelled'. Returns false when this runner is not running the job.
   * (Queue.cancel flags the row and the runtime wires it here; other processes' cancels are polled.)
   */
  cancel(id: string): boolean {
    return this.flights.cancel(id);
  }

  private poll(): void {
    if (!this.store.connectionBusy?.()) {
      void pollCancels(this.upkeep);
      // Pauses and resumes made in other processes reach this runner within a poll interval.
      void this.refreshPaused();
    }
    this.wake();
  }

  /**
   * Re-reads the paused types (Queue.pause/resume call it through the runtime, so a pause made in
   * this process holds from the next claim). A resumed type is claimed at once.
   */
  async refreshPaused(): Promise<void> {
    try {
      const now = new Set((await this.store.jobs.pausedTypes()).map((p) => p.type));
      const resumed = [...this.paused].some((type) => !now.has(type));
      this.paused = now;
      if (resumed) this.wake();
    } catch (err) {
      this.logger.error('Queue runner could not read the paused types', errorFields(err));
    }
  }

  private async maintain(): Promise<void> {
    if (this.store.connectionBusy?.() || this.state === 'stopped') return;
    const recovered = await renewAndRecover(this.upkeep);
    this.counters.recovered += recovered.length;
    if (recovered.length > 0) this.options.events?.recovered?.(recovered);
    if (recovered.length > 0) this.wake();
    await warnUnhandledTypes(this.upkeep, (type) => this.types.get(type) !== undefined, this.warnedTypes);
  }

  private count(a: Applied): void {
    const outcome = attemptOutcome(a);
    if (outcome !== 'discarded') this.counters[outcome] += 1;
  }

  /**
   * Stops claiming, lets running jobs finish for half the grace period, then aborts their signals
   * and waits the rest; whatever still runs is terminated and goes back to pending (attempt not
   * counted, its run recorded 'abandoned'). Bounded by graceMs.
   */
  stop(graceMs = this.options.shutdownGraceMs ?? 10_000): Promise<void> {
    this.stopping ??= this.doStop(graceMs);
    return this.stopping;
  }

  private async doStop(graceMs: number): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.state !== 'running') return;
    this.state = 'stopping';
    for (const t of this.timers) clearInterval(t);
    this.dueAlarm.clear();
    this.runRowAlarm.clear();
    const deadline = Date.now() + graceMs;
    if (this.flights.size > 0) {
      this.logger.info('Waiting for running queue jobs', { jobs: this.flights.size, graceMs });
      await this.drained(graceMs / 2);
    }
    if (this.flights.size > 0) {
      this.flights.markStopping();
      for (const t of this.pool.threads) t.send({ type: 'stop' });
      await this.drained(deadline - Date.now());
    }
    this.flights.releaseAll('Stopped at shutdown; its thread was terminated');
    await this.finalTick();
    await this.pool.stop();
    this.detachFromStore?.();
    this.detachFromStore = undefined;
    markStopped(this.owner);
    this.state = 'stopped';
    this.logger.info('Queue runner stopped', { owner: this.owner });
  }

  /** Writes what the threads reported last (and the released jobs); waits for an async store. */
  private async finalTick(): Promise<void> {
    for (let i = 0; i < 100 && this.tickInFlight; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    this.tick();
    for (let i = 0; i < 100 && this.tickInFlight; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  private drained(ms: number): Promise<void> {
    if (this.flights.size === 0 && this.flights.pendingEndings === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
      unref(setTimeout(resolve, Math.max(0, ms)));
    });
  }

  get currentState(): RunnerState {
    return this.state;
  }

  stats() {
    return {
      owner: this.owner,
      state: this.state,
      threads: this.pool.threads.length,
      readyThreads: this.pool.threads.filter((t) => t.ready).length,
      running: this.flights.size,
      /** The paused types as this runner last read them (it claims none of them). */
      paused: [...this.paused],
      ...this.counters,
    };
  }
}
