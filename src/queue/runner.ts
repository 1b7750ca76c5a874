// QueueRunner: runs queued jobs in long-lived worker threads. The main thread owns every queue
// write and batches them: each tick is one IMMEDIATE transaction that records the endings reported
// since the last tick (completions as one statement), writes progress, and claims as many ready jobs
// as the threads can take (the job_runs rows are opened in the same transaction). Threads only run
// handlers. Delivery is at-least-once: see src/queue/store/leases.ts for leases and recovery.
import type { Db } from '../db/open.ts';
import { WriteGate } from '../db/write-gate.ts';
import type { LoadedJob } from '../jobs/load.ts';
import { errorFields, type Logger } from '../log/logger.ts';
import { isOwnerGone, markLive, markStopped, newOwnerId } from '../scheduler/owner.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { claimRound } from './claim.ts';
import { jobTypesFor, type JobTypes } from './job-types.ts';
import type { JobOutcome, QueueThreadData, RunJob } from './messages.ts';
import { applyEndings, logEnding, type Applied, type Attempt, type Ending } from './outcomes.ts';
import { Placement } from './placement.ts';
import type { ClaimedRow } from './store/claim-jobs.ts';
import { writeProgress, type ProgressWrite } from './store/finish-jobs.ts';
import { cancelRequested, recoverStale, renewLeases } from './store/leases.ts';
import { ThreadPool, type PoolThread } from './thread-pool.ts';

export interface QueueRunnerOptions {
  db: Db;
  databasePath: string;
  jobs: readonly LoadedJob[];
  logger: Logger;
  /** Worker threads (config QUEUE_WORKERS). Default 1. */
  workers?: number;
  /** How often to look for jobs enqueued by other processes (in-process enqueues call wake()). Default 500. */
  pollIntervalMs?: number;
  /** Lease length; renewed every leaseMs/3 while a job runs. Default 30 s. */
  leaseMs?: number;
  shutdownGraceMs?: number;
  /** How long a cancelled handler has to stop before its thread is terminated. Default 5 s. */
  cancelGraceMs?: number;
  gate?: WriteGate;
  logLevel?: QueueThreadData['logLevel'];
  backoff?: Partial<BackoffOptions>;
  /** See Placement: most jobs queued on one thread (default 64), and how much measured work (default 5 ms). */
  maxPrefetch?: number;
  queuedBudgetMs?: number;
}

export type RunnerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

interface Flight extends Attempt {
  runId: string;
  thread: PoolThread;
  timer: NodeJS.Timeout;
  cancelRequested: boolean;
  cancelTimer?: NodeJS.Timeout;
  leaseLost: boolean;
  stopping: boolean;
}

const unref = (t: NodeJS.Timeout) => (t.unref(), t);

export class QueueRunner {
  readonly owner = newOwnerId();
  readonly types: JobTypes;
  private readonly db: Db;
  private readonly logger: Logger;
  private readonly gate: WriteGate;
  private readonly pool: ThreadPool;
  private readonly placement: Placement;
  private readonly backoff: BackoffOptions;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly cancelGraceMs: number;
  private state: RunnerState = 'idle';
  private starting?: Promise<void>;
  private stopping?: Promise<void>;
  /** Attempts on threads, by lease token. */
  private readonly inflight = new Map<string, Flight>();
  private endings: { attempt: Attempt; ending: Ending }[] = [];
  private readonly progressWrites = new Map<string, ProgressWrite>();
  private readonly unknownTypes = new Set<string>();
  private tickQueued = false;
  private timers: NodeJS.Timeout[] = [];
  private dueTimer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private lastTickAt = 0;
  private drainWaiters: (() => void)[] = [];
  private readonly counters = { claimed: 0, completed: 0, retried: 0, failed: 0, cancelled: 0, released: 0, recovered: 0, ticks: 0 };

  constructor(private readonly options: QueueRunnerOptions) {
    const workers = options.workers ?? 1;
    if (!Number.isInteger(workers) || workers < 1) throw new Error('QueueRunner needs at least one worker thread');
    this.db = options.db;
    this.logger = options.logger;
    this.types = jobTypesFor(options.jobs);
    this.gate = options.gate ?? new WriteGate();
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.cancelGraceMs = options.cancelGraceMs ?? 5_000;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.placement = new Placement(this.types, { maxPrefetch: options.maxPrefetch ?? 64, queuedBudgetMs: options.queuedBudgetMs ?? 5 });
    const jobFiles = Object.fromEntries(this.types.all().map((t) => [t.name, t.job.file]));
    this.pool = new ThreadPool(
      workers,
      { databasePath: options.databasePath, jobFiles, gate: this.gate.buffer, logLevel: options.logLevel ?? 'info' },
      {
        ready: () => this.wake(),
        results: (_thread, results) => this.onResults(results),
        progress: (m) => this.onProgress(m),
        log: ({ level, msg, time: _time, ...fields }) => this.logger[level](msg, fields),
        crashed: (thread, reason) => this.onCrash(thread, reason),
      },
    );
  }

  /** Recovers what dead runners left, starts the threads (resolves once they are ready) and the timers. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.state = 'starting';
    markLive(this.owner);
    this.renewAndRecover();
    try {
      await this.pool.start();
    } catch (err) {
      await this.pool.stop();
      markStopped(this.owner);
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    this.timers = [
      unref(setInterval(() => this.poll(), this.pollIntervalMs)),
      unref(setInterval(() => this.renewAndRecover(), Math.max(100, Math.floor(this.leaseMs / 3)))),
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
    if (this.tickQueued || (this.state !== 'running' && this.state !== 'stopping')) return;
    this.tickQueued = true;
    // Never synchronous: the tick must run after the current code, i.e. after the enqueuing
    // transaction ends. Right after a tick, wait ~1 ms so endings arriving in a burst share one
    // transaction (bigger batches, fewer commits); otherwise (idle queue) start at once.
    if (performance.now() - this.lastTickAt < 1 && this.endings.length < 100) unref(setTimeout(() => this.tick(), 1));
    else setImmediate(() => this.tick());
  }

  private wakeAt(due: number): void {
    if (due >= this.dueAt || this.state === 'stopped' || this.state === 'stopping') return;
    clearTimeout(this.dueTimer);
    this.dueAt = due;
    this.dueTimer = unref(
      setTimeout(() => {
        this.dueAt = Infinity;
        this.wake();
      }, Math.min(due - Date.now() + 1, 2 ** 31 - 1)),
    );
  }

  private tick(): void {
    this.tickQueued = false;
    if (this.state !== 'running' && this.state !== 'stopping') return;
    // Never write inside someone else's open transaction on this connection: it could roll back.
    if (this.db.inTransaction) return void unref(setTimeout(() => this.wake(), 1));
    const endings = this.endings;
    this.endings = [];
    const progress = [...this.progressWrites.values()];
    this.progressWrites.clear();
    const threads = this.pool.threads.map((t) => ({ ready: t.ready && !t.retiring, assigned: [...t.assigned.values()] }));
    const room = this.state === 'running' ? this.placement.room(threads) : 0;
    if (endings.length === 0 && progress.length === 0 && room === 0) return;
    const now = Date.now();
    let applied: Applied[] = [];
    let claim: ReturnType<typeof claimRound> = { claimed: [] };
    try {
      this.write(() => {
        applied = applyEndings(this.db, endings, now, this.backoff);
        writeProgress(this.db, progress, now);
        if (room > 0) {
          claim = claimRound({ db: this.db, types: this.types, placement: this.placement, threads, room, now, owner: this.owner, leaseMs: this.leaseMs, unknownTypes: this.unknownTypes, logger: this.logger });
        }
      });
    } catch (err) {
      // Most likely SQLITE_BUSY past the busy timeout (another process held the lock): keep what we had and retry.
      this.endings.unshift(...endings);
      for (const p of progress) if (!this.progressWrites.has(p.token)) this.progressWrites.set(p.token, p);
      this.logger.error('Queue runner could not write to the database; retrying', errorFields(err));
      unref(setTimeout(() => this.wake(), 100));
      return;
    }
    this.counters.ticks += 1;
    this.lastTickAt = performance.now();
    for (const a of applied) {
      this.count(a);
      logEnding(this.logger, a);
      if (a.written && a.plan?.status === 'pending' && a.plan.runAt !== undefined) this.wakeAt(a.plan.runAt);
    }
    this.dispatch(claim.claimed);
    if (this.inflight.size === 0 && this.endings.length === 0) for (const done of this.drainWaiters.splice(0)) done();
  }

  private write(fn: () => void): void {
    this.gate.write(() => this.db.transaction(fn).immediate());
  }

  private dispatch(claimed: readonly [ClaimedRow, number][]): void {
    const batches = new Map<PoolThread, RunJob[]>();
    for (const [row, index] of claimed) {
      const thread = this.pool.threads[index]!;
      const type = this.types.get(row.type)!;
      const job: RunJob = {
        id: row.id, type: row.type, token: row.lease_token!, runId: row.run_id!, payload: row.payload,
        tenantId: row.tenant_id, actorId: row.actor_id, traceId: row.trace_id, requestId: row.request_id,
        attempt: row.attempts, maxAttempts: row.max_attempts, io: type.threadConcurrency > 1,
      };
      const flight: Flight = {
        id: job.id, token: job.token, type: job.type, traceId: job.traceId, tenantId: job.tenantId, attempt: job.attempt,
        maxAttempts: job.maxAttempts, runId: job.runId, thread, cancelRequested: false, leaseLost: false, stopping: false,
        // Counted from dispatch: a job queued behind short jobs waits at most a few ms of it.
        timer: unref(setTimeout(() => this.timedOut(flight), type.timeoutMs)),
      };
      this.inflight.set(flight.token, flight);
      if (thread.assigned.size === 0) this.pool.setBusy(thread, true);
      thread.assigned.set(flight.token, { type: flight.type });
      let batch = batches.get(thread);
      if (!batch) batches.set(thread, (batch = []));
      batch.push(job);
      this.logger.debug('Queue job started', { job: job.type, jobId: job.id, traceId: job.traceId, attempt: job.attempt, runId: job.runId });
    }
    this.counters.claimed += claimed.length;
    for (const [thread, jobs] of batches) thread.send({ type: 'run', jobs });
  }

  private onResults(results: readonly JobOutcome[]): void {
    for (const o of results) {
      const flight = this.inflight.get(o.token);
      if (!flight) continue; // already ended (timed out, terminated)
      if (!o.notStarted) this.placement.record(flight.type, o.ms);
      let ending: Ending;
      if (o.ok) ending = { kind: 'ok', result: o.result ?? null, processed: o.processed, total: o.total };
      else if (flight.cancelRequested) ending = { kind: 'cancelled', message: o.notStarted ? 'Cancelled before it started' : 'Cancelled' };
      else if (o.notStarted || flight.stopping) ending = { kind: 'released', message: o.notStarted ? 'Stopped before it started' : 'Stopped at shutdown' };
      else {
        ending = { kind: 'error', message: o.error ?? 'Failed', retryAfterMs: o.retryAfterMs, retryable: o.retryable };
        if (o.stack) this.logger.debug('Queue job error stack', { jobId: flight.id, traceId: flight.traceId, stack: o.stack });
      }
      this.end(flight, ending);
    }
  }

  /** Takes an attempt off its thread and queues its ending for the next tick. */
  private end(flight: Flight, ending: Ending): void {
    if (!this.inflight.delete(flight.token)) return;
    clearTimeout(flight.timer);
    clearTimeout(flight.cancelTimer);
    flight.thread.assigned.delete(flight.token);
    if (flight.thread.assigned.size === 0) this.pool.setBusy(flight.thread, false);
    if (flight.leaseLost) {
      this.logger.warn('Queue job ended after its lease was lost; result discarded', { job: flight.type, jobId: flight.id, traceId: flight.traceId });
    } else {
      this.endings.push({ attempt: flight, ending });
    }
    this.wake();
  }

  private onProgress(m: { id: string; token: string; processed: number; total: number | null }): void {
    if (!this.inflight.has(m.token)) return;
    this.progressWrites.set(m.token, { id: m.id, token: m.token, processed: m.processed, total: m.total });
    this.wake();
  }

  /** The job ran past its timeoutMs: its thread is terminated for real and replaced; the attempt failed. */
  private timedOut(flight: Flight): void {
    const ms = this.types.get(flight.type)?.timeoutMs;
    this.logger.error('Queue job timed out; terminating its thread', { job: flight.type, jobId: flight.id, traceId: flight.traceId, timeoutMs: ms });
    this.terminate(flight, { kind: 'error', message: `Timed out after ${ms} ms; the worker thread was terminated` }, 'timed out');
  }

  private terminate(culprit: Flight, ending: Ending, why: string): void {
    const thread = culprit.thread;
    const victims = [...this.inflight.values()].filter((f) => f.thread === thread);
    this.pool.replace(thread);
    for (const f of victims) {
      if (f === culprit) this.end(f, ending);
      else if (f.cancelRequested) this.end(f, { kind: 'cancelled', message: 'Cancelled (its thread was terminated)' });
      else this.end(f, { kind: 'released', message: `Interrupted: its thread was terminated because job ${culprit.id} ${why}` });
    }
  }

  private onCrash(thread: PoolThread, reason: string): void {
    const victims = [...this.inflight.values()].filter((f) => f.thread === thread);
    this.logger.error('Queue thread crashed; starting a new one', { thread: thread.index, reason, jobs: victims.map((f) => f.id) });
    // We cannot tell which job crashed it, so each counts the attempt (a poison job ends up failed).
    for (const f of victims) this.end(f, { kind: 'error', message: `The worker thread crashed: ${reason}` });
  }

  /**
   * Asks a running job to stop: its AbortSignal fires; after cancelGraceMs its thread is terminated.
   * Returns false when this runner is not running the job. (Queue.cancel flags the row; the runtime
   * wires it here, and other processes' cancels are found by polling.)
   */
  cancel(id: string): boolean {
    const flight = [...this.inflight.values()].find((f) => f.id === id && !f.leaseLost);
    if (!flight) return false;
    if (flight.cancelRequested) return true;
    flight.cancelRequested = true;
    flight.thread.send({ type: 'cancel', id });
    flight.cancelTimer = unref(
      setTimeout(() => {
        this.logger.warn('Cancelled job did not stop in time; terminating its thread', { jobId: id, traceId: flight.traceId, graceMs: this.cancelGraceMs });
        this.terminate(flight, { kind: 'cancelled', message: `Cancelled; the handler did not stop within ${this.cancelGraceMs} ms, so its thread was terminated` }, 'was cancelled');
      }, this.cancelGraceMs),
    );
    return true;
  }

  private poll(): void {
    if (this.inflight.size > 0) {
      try {
        const ids = [...this.inflight.values()].filter((f) => !f.cancelRequested && !f.leaseLost).map((f) => f.id);
        for (const id of cancelRequested(this.db, ids)) this.cancel(id);
      } catch (err) {
        this.logger.error('Queue runner could not poll for cancels', errorFields(err));
      }
    }
    this.wake();
  }

  /** Renews our leases, then recovers expired or orphaned jobs of any runner (at start and every leaseMs/3). */
  private renewAndRecover(): void {
    if (this.db.inTransaction || this.state === 'stopped') return;
    const now = Date.now();
    const mine = [...this.inflight.values()].filter((f) => !f.leaseLost);
    let renewed = { held: new Set<string>(), cancel: new Set<string>() };
    let recovered: ReturnType<typeof recoverStale> = [];
    try {
      this.write(() => {
        renewed = renewLeases(this.db, mine, now, this.leaseMs);
        recovered = recoverStale(this.db, now, (owner) => owner !== this.owner && isOwnerGone(owner));
      });
    } catch (err) {
      this.logger.error('Queue runner could not renew leases', errorFields(err));
      return;
    }
    for (const f of mine) {
      if (renewed.held.has(f.id)) continue;
      // Someone recovered it (we were frozen past the lease): stop the handler, drop its result.
      f.leaseLost = true;
      f.thread.send({ type: 'cancel', id: f.id });
      this.logger.warn('Queue job lost its lease; aborting it here', { job: f.type, jobId: f.id, traceId: f.traceId });
    }
    for (const id of renewed.cancel) this.cancel(id);
    for (const r of recovered) {
      this.counters.recovered += 1;
      this.logger.warn('Recovered a job from a stopped runner', { job: r.type, jobId: r.id, traceId: r.traceId, reason: r.reason, owner: r.owner, status: r.status });
    }
    if (recovered.length > 0) this.wake();
  }

  private count(a: Applied): void {
    if (!a.written) return;
    if (a.ending.kind === 'ok') this.counters.completed += 1;
    else if (a.plan?.status === 'failed') this.counters.failed += 1;
    else if (a.plan?.status === 'cancelled') this.counters.cancelled += 1;
    else if (a.ending.kind === 'released') this.counters.released += 1;
    else this.counters.retried += 1;
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
    clearTimeout(this.dueTimer);
    const deadline = Date.now() + graceMs;
    if (this.inflight.size > 0) {
      this.logger.info('Waiting for running queue jobs', { jobs: this.inflight.size, graceMs });
      await this.drained(graceMs / 2);
    }
    if (this.inflight.size > 0) {
      for (const f of this.inflight.values()) f.stopping = true;
      for (const t of this.pool.threads) t.send({ type: 'stop' });
      await this.drained(deadline - Date.now());
    }
    for (const f of [...this.inflight.values()]) this.end(f, { kind: 'released', message: 'Stopped at shutdown; its thread was terminated' });
    this.tick();
    await this.pool.stop();
    markStopped(this.owner);
    this.state = 'stopped';
    this.logger.info('Queue runner stopped', { owner: this.owner });
  }

  private drained(ms: number): Promise<void> {
    if (this.inflight.size === 0 && this.endings.length === 0) return Promise.resolve();
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
      running: this.inflight.size,
      ...this.counters,
    };
  }
}
