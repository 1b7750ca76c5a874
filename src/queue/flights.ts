// The attempts a runner has on its threads ("flights"), from dispatch to their ending: timeouts,
// cancel (signal, then terminate after a grace period), thread crashes, lost leases. Each ending
// is queued here; the runner writes the queued endings in its next transaction.
import type { Logger } from '../log/logger.ts';
import type { JobTypes } from './job-types.ts';
import type { JobOutcome, RunJob } from './messages.ts';
import type { Attempt, Ending } from './outcomes.ts';
import type { ClaimedRow, ProgressWrite } from '../store/types.ts';
import type { PoolThread } from './thread-pool.ts';

export interface Flight extends Attempt {
  thread: PoolThread;
  timer: NodeJS.Timeout;
  cancelRequested: boolean;
  cancelTimer?: NodeJS.Timeout;
  /** Another runner took the job over (our lease expired): its result is discarded. */
  leaseLost: boolean;
  /** Aborted for shutdown: a failure then means "interrupted", not "failed". */
  stopping: boolean;
}

export interface FlightHooks {
  /** Something was queued: the runner should tick. */
  wake(): void;
  /** Terminate a thread for real and start a new one in its place. */
  replaceThread(thread: PoolThread): void;
  setBusy(thread: PoolThread, busy: boolean): void;
  /** Handler run time, for Placement. */
  record(type: string, ms: number): void;
}

export const unref = (t: NodeJS.Timeout) => (t.unref(), t);

export class Flights {
  /** By lease token: a job re-claimed after a lost lease is a different flight. */
  private readonly byToken = new Map<string, Flight>();
  private endings: { attempt: Attempt; ending: Ending }[] = [];
  private readonly progress = new Map<string, ProgressWrite>();

  constructor(
    private readonly types: JobTypes,
    private readonly logger: Logger,
    private readonly cancelGraceMs: number,
    private readonly hooks: FlightHooks,
  ) {}

  get size(): number {
    return this.byToken.size;
  }

  get pendingEndings(): number {
    return this.endings.length;
  }

  values(): IterableIterator<Flight> {
    return this.byToken.values();
  }

  /** Registers a claimed job on its thread; returns the message to send it. */
  start(row: ClaimedRow, thread: PoolThread, now: number): RunJob {
    const type = this.types.get(row.type)!;
    const job: RunJob = {
      id: row.id, type: row.type, token: row.lease_token!, runId: row.run_id!, payload: row.payload,
      tenantId: row.tenant_id, actorId: row.actor_id, traceId: row.trace_id, requestId: row.request_id,
      attempt: row.attempts, maxAttempts: row.max_attempts, io: type.threadConcurrency > 1,
    };
    const flight: Flight = {
      id: job.id, token: job.token, type: job.type, traceId: job.traceId, tenantId: job.tenantId, attempt: job.attempt,
      maxAttempts: job.maxAttempts, runId: job.runId, startedAt: now, runOpen: false, thread,
      cancelRequested: false, leaseLost: false, stopping: false,
      // Counted from dispatch: a job queued behind short jobs waits at most a few ms of it.
      timer: unref(setTimeout(() => this.timedOut(flight), type.timeoutMs)),
    };
    this.byToken.set(flight.token, flight);
    if (thread.assigned.size === 0) this.hooks.setBusy(thread, true);
    thread.assigned.set(flight.token, { type: flight.type });
    return job;
  }

  takeEndings(): { attempt: Attempt; ending: Ending }[] {
    const endings = this.endings;
    this.endings = [];
    return endings;
  }

  takeProgress(): ProgressWrite[] {
    const writes = [...this.progress.values()];
    this.progress.clear();
    return writes;
  }

  /** After a failed write: put them back for the next tick. */
  restore(endings: { attempt: Attempt; ending: Ending }[], progress: ProgressWrite[]): void {
    this.endings.unshift(...endings);
    for (const p of progress) if (!this.progress.has(p.token)) this.progress.set(p.token, p);
  }

  onResults(results: readonly JobOutcome[]): void {
    for (const o of results) {
      const flight = this.byToken.get(o.token);
      if (!flight) continue; // already ended (timed out, terminated)
      if (!o.notStarted) this.hooks.record(flight.type, o.ms);
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

  onProgress(m: { id: string; token: string; processed: number; total: number | null }): void {
    if (!this.byToken.has(m.token)) return;
    this.progress.set(m.token, { id: m.id, token: m.token, processed: m.processed, total: m.total });
    this.hooks.wake();
  }

  /** Takes an attempt off its thread and queues its ending for the next tick. */
  end(flight: Flight, ending: Ending): void {
    if (!this.byToken.delete(flight.token)) return;
    clearTimeout(flight.timer);
    clearTimeout(flight.cancelTimer);
    flight.thread.assigned.delete(flight.token);
    if (flight.thread.assigned.size === 0) this.hooks.setBusy(flight.thread, false);
    if (flight.leaseLost) {
      this.logger.warn('Queue job ended after its lease was lost; result discarded', { job: flight.type, jobId: flight.id, traceId: flight.traceId });
    } else {
      this.endings.push({ attempt: flight, ending });
    }
    this.hooks.wake();
  }

  /** Asks a running job to stop (its AbortSignal fires); after the grace period its thread is terminated. */
  cancel(id: string): boolean {
    const flight = [...this.byToken.values()].find((f) => f.id === id && !f.leaseLost);
    if (!flight) return false;
    if (flight.cancelRequested) return true;
    flight.cancelRequested = true;
    flight.thread.send({ type: 'cancel', id });
    flight.cancelTimer = unref(
      setTimeout(() => {
        this.logger.warn('Cancelled job did not stop in time; terminating its thread', { jobId: id, traceId: flight.traceId, graceMs: this.cancelGraceMs });
        const message = `Cancelled; the handler did not stop within ${this.cancelGraceMs} ms, so its thread was terminated`;
        this.terminate(flight, { kind: 'cancelled', message }, 'was cancelled');
      }, this.cancelGraceMs),
    );
    return true;
  }

  /** Another runner holds the job now: stop the handler here and drop whatever it returns. */
  leaseLost(flight: Flight): void {
    flight.leaseLost = true;
    flight.thread.send({ type: 'cancel', id: flight.id });
    this.logger.warn('Queue job lost its lease; aborting it here', { job: flight.type, jobId: flight.id, traceId: flight.traceId });
  }

  /** The job ran past its timeoutMs: its thread is terminated for real and replaced; the attempt failed. */
  private timedOut(flight: Flight): void {
    const ms = this.types.get(flight.type)?.timeoutMs;
    this.logger.error('Queue job timed out; terminating its thread', { job: flight.type, jobId: flight.id, traceId: flight.traceId, timeoutMs: ms });
    this.terminate(flight, { kind: 'error', message: `Timed out after ${ms} ms; the worker thread was terminated` }, 'timed out');
  }

  /** Terminates the culprit's thread; the other jobs on it go back to the queue without losing an attempt. */
  private terminate(culprit: Flight, ending: Ending, why: string): void {
    const thread = culprit.thread;
    const victims = [...this.byToken.values()].filter((f) => f.thread === thread);
    this.hooks.replaceThread(thread);
    for (const f of victims) {
      if (f === culprit) this.end(f, ending);
      else if (f.cancelRequested) this.end(f, { kind: 'cancelled', message: 'Cancelled (its thread was terminated)' });
      else this.end(f, { kind: 'released', message: `Interrupted: its thread was terminated because job ${culprit.id} ${why}` });
    }
  }

  onCrash(thread: PoolThread, reason: string): void {
    const victims = [...this.byToken.values()].filter((f) => f.thread === thread);
    this.logger.error('Queue thread crashed; starting a new one', { thread: thread.index, reason, jobs: victims.map((f) => f.id) });
    // We cannot tell which job crashed it, so each counts the attempt (a poison job ends up failed).
    for (const f of victims) this.end(f, { kind: 'error', message: `The worker thread crashed: ${reason}` });
  }

  /** Attempts that have run for `delayMs` without a job_runs row (see store/runs.ts). */
  needingRunRows(now: number, delayMs: number): Flight[] {
    const due: Flight[] = [];
    for (const f of this.byToken.values()) if (!f.runOpen && !f.leaseLost && now - f.startedAt >= delayMs) due.push(f);
    return due;
  }

  anyWithoutRunRow(): boolean {
    for (const f of this.byToken.values()) if (!f.runOpen && !f.leaseLost) return true;
    return false;
  }

  /** Shutdown, phase 2: failures from now on are interruptions. */
  markStopping(): void {
    for (const f of this.byToken.values()) f.stopping = true;
  }

  /** Shutdown, last phase: whatever still runs goes back to the queue. */
  releaseAll(message: string): void {
    for (const f of [...this.byToken.values()]) this.end(f, { kind: 'released', message });
  }
}
