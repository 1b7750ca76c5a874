// A long-lived queue thread (started through src/threads/worker-entry.mjs). It opens its own
// connection, imports every job file once, then runs the jobs the main thread sends: one at a time,
// except I/O-bound jobs (threadConcurrency > 1), which may share it. Results go back in batches.
import { parentPort, workerData } from 'node:worker_threads';
import type { JobDefinition } from '../jobs/define.ts';
import { loadJobFile } from '../jobs/load.ts';
import { FailureEpisode } from '../log/episode.ts';
import { createLogger, errorFields, type Logger } from '../log/logger.ts';
import { runReader } from '../runs/reader.ts';
import { openThreadStore } from '../store/sqlite/index.ts';
import { forwardLog } from '../threads/messages.ts';
import type { QueueJobContext } from './define.ts';
import type { JobOutcome, MainToThread, QueueThreadData, RunJob, ThreadToMain } from './messages.ts';

const port = parentPort!;
const data = (workerData as { queue: QueueThreadData }).queue;
const post = (m: ThreadToMain) => port.postMessage(m);
const baseLogger = createLogger({ level: data.logLevel, sink: forwardLog((m) => port.postMessage(m)) });

/** Post results once this many are waiting, so the main thread can refill while we keep going. */
const FLUSH_EVERY = 8;
const PROGRESS_EVERY_MS = 250;

interface Running {
  job: RunJob;
  controller: AbortController;
  processed: number | null;
  total: number | null;
  lastProgressAt: number;
  progressTimer?: NodeJS.Timeout;
}

// The jobs' ctx.db: this thread's own connection to the app's database (and the store's write gate,
// which cleanup batches yield to).
// PostgreSQL threads open their store with openPostgresThreadStore once the engine runs on it (issue 13).
if (data.store.kind !== 'sqlite') throw new Error(`Worker threads on a ${data.store.kind} store are not supported yet`);
const store = openThreadStore(data.store);
const { db, gate } = store;
const runs = runReader(store.runs);
const definitions = new Map<string, JobDefinition<any>>();
const loadErrors = new Map<string, string>();

/** Imports one job file; a failure is kept (its jobs then fail without retry) and returned. */
async function load(type: string, file: string): Promise<string | undefined> {
  try {
    definitions.set(type, (await loadJobFile(file)).definition);
    loadErrors.delete(type);
    return undefined;
  } catch (err) {
    loadErrors.set(type, (err as Error).message);
    baseLogger.error('Queue thread could not load a job file', { job: type, file, ...errorFields(err) });
    return (err as Error).message;
  }
}

for (const [type, file] of Object.entries(data.jobFiles)) await load(type, file);

const waiting: RunJob[] = [];
const running = new Map<string, Running>();
let results: JobOutcome[] = [];
let flushQueued = false;

function flush(): void {
  flushQueued = false;
  if (results.length === 0) return;
  post({ type: 'results', results });
  results = [];
}

function report(outcome: JobOutcome): void {
  results.push(outcome);
  if (results.length >= FLUSH_EVERY) flush();
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush);
  }
}

/** A CPU-bound job runs alone; I/O-bound jobs may run together (the main thread sends no more than allowed). */
function pump(): void {
  while (waiting.length > 0) {
    const next = waiting[0]!;
    if (running.size > 0 && !(next.io && [...running.values()].every((r) => r.job.io))) return;
    waiting.shift();
    start(next);
  }
}

function postProgress(entry: Running): void {
  clearTimeout(entry.progressTimer);
  entry.progressTimer = undefined;
  entry.lastProgressAt = performance.now();
  post({ type: 'progress', id: entry.job.id, token: entry.job.token, processed: entry.processed ?? 0, total: entry.total });
}

function contextFor(job: RunJob, entry: Running, definition: JobDefinition<any>): QueueJobContext<unknown> {
  const payloadValue = job.payload === null ? undefined : JSON.parse(job.payload);
  const payload = definition.payload ? definition.payload.parse(payloadValue) : payloadValue;
  const envelope = {
    tenantId: job.tenantId ?? undefined,
    actorId: job.actorId ?? undefined,
    traceId: job.traceId,
    requestId: job.requestId ?? undefined,
    payload,
  };
  let logger: Logger | undefined;
  return {
    db, runs, payload, envelope,
    // Bound to the job and its trace; built on first use (most trivial jobs never log).
    get logger() {
      return (logger ??= baseLogger.child({
        job: job.type, jobId: job.id, traceId: job.traceId, tenantId: envelope.tenantId, actorId: envelope.actorId,
        requestId: envelope.requestId, runId: job.runId, attempt: job.attempt,
      }));
    },
    signal: entry.controller.signal,
    runId: job.runId,
    trigger: 'queue',
    jobId: job.id,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    // Throttled: the latest value is posted at most every PROGRESS_EVERY_MS (and with the result).
    progress(processed, total) {
      entry.processed = processed;
      if (total !== undefined) entry.total = total;
      const wait = PROGRESS_EVERY_MS - (performance.now() - entry.lastProgressAt);
      if (wait <= 0) postProgress(entry);
      else entry.progressTimer ??= setTimeout(() => running.has(job.id) && postProgress(entry), wait);
    },
    yieldToWriters: () => void gate.yieldToWriters(),
  };
}

function start(job: RunJob): void {
  const entry: Running = { job, controller: new AbortController(), processed: null, total: null, lastProgressAt: 0 };
  running.set(job.id, entry);
  const started = performance.now();
  const settle = (outcome: Omit<JobOutcome, 'id' | 'token' | 'ms' | 'processed' | 'total'>) => {
    clearTimeout(entry.progressTimer);
    running.delete(job.id);
    report({ id: job.id, token: job.token, ms: performance.now() - started, processed: entry.processed, total: entry.total, ...outcome });
    pump();
  };
  (async () => {
    const definition = definitions.get(job.type);
    if (!definition) throw Object.assign(new Error(loadErrors.get(job.type) ?? `No job file for "${job.type}" in this thread`), { retryable: false });
    let ctx: QueueJobContext<unknown>;
    try {
      ctx = contextFor(job, entry, definition);
    } catch (err) {
      // The schema changed since enqueue, or the stored payload was edited: retrying cannot help.
      throw Object.assign(new Error(`Stored payload no longer valid: ${(err as Error).message}`), { retryable: false });
    }
    return definition.run(ctx);
  })().then(
    (value) => {
      let result: string | null = null;
      try {
        result = value === undefined ? null : JSON.stringify(value);
      } catch (err) {
        return settle({ ok: false, error: `Job result is not JSON-serializable: ${(err as Error).message}`, retryable: false });
      }
      settle({ ok: true, result });
    },
    (err: unknown) => {
      const e = err as { message?: unknown; stack?: unknown; retryAfterMs?: unknown; retryable?: unknown };
      settle({
        ok: false,
        error: err instanceof Error ? err.message : typeof e?.message === 'string' ? e.message : String(err),
        stack: typeof e?.stack === 'string' ? e.stack : undefined,
        retryAfterMs: typeof e?.retryAfterMs === 'number' && e.retryAfterMs >= 0 ? e.retryAfterMs : undefined,
        retryable: e?.retryable === false ? false : undefined,
      });
    },
  );
}

function handBack(job: RunJob, error: string): void {
  report({ id: job.id, token: job.token, ok: false, error, notStarted: true, ms: 0, processed: null, total: null });
}

port.on('message', (message: MainToThread) => {
  switch (message.type) {
    case 'run':
      waiting.push(...message.jobs);
      pump();
      break;
    case 'cancel': {
      const entry = running.get(message.id);
      if (entry) entry.controller.abort(new Error('Cancelled'));
      const index = waiting.findIndex((j) => j.id === message.id);
      if (index >= 0) handBack(waiting.splice(index, 1)[0]!, 'Cancelled before it started');
      break;
    }
    case 'stop':
      for (const entry of running.values()) entry.controller.abort(new Error('Stopped: the queue runner is shutting down'));
      for (const job of waiting.splice(0)) handBack(job, 'Stopped before it started');
      flush();
      break;
    case 'load':
      // A type registered after start (ns.register): the runner claims none until every thread answered.
      void load(message.jobType, message.file).then((error) => post({ type: 'loaded', jobType: message.jobType, error }));
      break;
  }
});

// Housekeeping off the main thread (SQLite: WAL checkpoints, see the store's checkpoint()): the
// runner moved it here so it never lands inside an enqueue or a claim on the main thread.
// A full disk fails every round (every 200 ms): one line when that starts, one when it ends.
if (data.threadIndex === 0 && data.checkpointIntervalMs > 0) {
  const failures = new FailureEpisode(baseLogger, { failed: 'Background WAL checkpoint failed', recovered: 'Background WAL checkpoints work again', level: 'warn' });
  setInterval(() => {
    try {
      store.checkpoint();
      failures.succeeded();
    } catch (err) {
      failures.failed(err);
    }
  }, data.checkpointIntervalMs).unref();
}

// A stray rejection in one job must not take down the thread (and the other jobs on it).
process.on('unhandledRejection', (err) => baseLogger.error('Unhandled rejection in a queue job', errorFields(err)));

post({ type: 'ready' });
