// `nightshift run <name>`: a scheduled job runs now (a manual run) and the command waits for its
// result; any other job name, or any name with --data, is enqueued and followed until it finishes.
// Progress goes to stderr (redrawn on a terminal, plain lines otherwise); the result to stdout.
import { setTimeout as sleep } from 'node:timers/promises';
import { dataOption, dateOption, intOption } from '../args.ts';
import type { Client, JobRun, QueueJob, StartedRun } from '../client/types.ts';
import type { Command, CommandContext, CommandResult } from '../context.ts';
import { CliError, EXIT, notFoundError, unreachableError, usageError } from '../errors.ts';
import { duration, jsonSnippet } from '../render/format.ts';
import { ProgressDisplay } from '../render/progress.ts';
import { finishedText, pendingReason, queueTiming, type PendingReason } from './queue-wait.ts';
import { runOutcomeText } from './runs.ts';

const FINISHED = new Set(['completed', 'failed', 'cancelled']);
/** After Ctrl-C, how long what runs in this process gets to stop before its thread is terminated. */
const INTERRUPT_GRACE_MS = 2_000;
/** With --url, how often a pending job's reason is asked again (two requests each time). */
const REMOTE_REASON_EVERY_MS = 2_000;

/** Waits `ms` unless the signal aborts first; never throws. */
const pause = (ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }).catch(() => undefined);

export const runCommand: Command = async (ctx) => {
  const name = ctx.argument!;
  const { given: hasData, data } = dataOption(ctx.values);
  const localRunner = ctx.values['local-runner'] === true;
  const runnerTimeoutS = intOption(ctx.values, 'runner-timeout', 1, 86_400) ?? 5;
  // Like --data, --run-at means the queue (a scheduled job's manual run starts now).
  const runAt = dateOption(ctx.values, 'run-at');
  const client = await ctx.client();
  if (localRunner && !client.startLocalRunner) throw usageError('--local-runner works on the local database only (not with --url)');

  if (!hasData && runAt === undefined) {
    let started: StartedRun | undefined;
    try {
      started = await client.startRun(name);
    } catch (err) {
      if (!(err instanceof CliError && err.code === 'NOT_A_SCHEDULED_JOB')) throw err;
    }
    if (started) return followRun(ctx, client, started);
  }

  let job: QueueJob;
  try {
    ({ job } = await client.enqueue({ type: name, data, runAt }));
  } catch (err) {
    if (err instanceof CliError && err.code === 'UNKNOWN_JOB_TYPE') {
      throw notFoundError(`Unknown job "${name}": no scheduled job or queue job type has this name`, 'UNKNOWN_JOB');
    }
    throw err;
  }
  if (localRunner) await client.startLocalRunner!(name);
  return followJob(ctx, client, job, { localRunner, runnerTimeoutMs: runnerTimeoutS * 1000 });
};

async function followRun(ctx: CommandContext, client: Client, started: StartedRun): Promise<CommandResult> {
  const where = client.mode === 'local' ? 'in this process (Ctrl-C cancels it)' : `on ${client.target} (Ctrl-C stops following)`;
  const display = new ProgressDisplay(ctx.out.stderr, started.job, { intro: `${started.job}: run ${started.runId} started ${where}` });
  display.start();
  const signal = ctx.catchInterrupts();
  const began = Date.now();
  let run: JobRun;
  for (;;) {
    run = await client.getRun(started.runId);
    if (run.status !== 'running' || signal.aborted) break;
    display.update({ status: 'running', elapsedMs: Date.now() - began });
    await pause(client.pollMs, signal);
  }
  display.finish();
  if (run.status === 'running') {
    // Ctrl-C. Locally the run's thread lives in this process: it is cancelled, and we say how it ended.
    if (client.stopHere) {
      await client.stopHere(INTERRUPT_GRACE_MS);
      const after = await client.getRun(run.id);
      throw new CliError(EXIT.interrupted, `Interrupted: run ${run.id} of ${run.name} ran in this process and ended ${after.status}`, 'INTERRUPTED', {
        runId: run.id,
        status: after.status,
      });
    }
    const message = `Stopped following run ${run.id} of ${run.name}; it keeps running on the server (nightshift runs --job ${run.name})`;
    throw new CliError(EXIT.interrupted, message, 'INTERRUPTED', { runId: run.id });
  }
  const ok = run.status === 'success';
  const text = `${started.job}: ${ctx.out.paint(run.status)} in ${duration(run.durationMs)} (run ${run.id})\n  ${run.error ? 'error' : 'details'}: ${runOutcomeText(run)}`;
  return { data: { kind: 'scheduled', job: started.job, runId: run.id, run }, text, exitCode: ok ? EXIT.ok : EXIT.failed };
}

interface FollowOptions {
  localRunner: boolean;
  runnerTimeoutMs: number;
}

async function followJob(ctx: CommandContext, client: Client, job: QueueJob, options: FollowOptions): Promise<CommandResult> {
  const stop =
    ctx.values['cancel-on-exit'] === true ? 'Ctrl-C cancels it' : options.localRunner ? 'running in this process; Ctrl-C stops it' : 'Ctrl-C stops following';
  const display = new ProgressDisplay(ctx.out.stderr, job.type, { intro: `${job.type}: job ${job.id} enqueued (${stop})` });
  display.start();
  const signal = ctx.catchInterrupts();
  const began = Date.now();
  let nextRunnerCheck = began + options.runnerTimeoutMs;
  // Asking why costs a job read and a count: every poll locally, every few seconds from a server.
  const reasonEveryMs = client.mode === 'local' ? 0 : REMOTE_REASON_EVERY_MS;
  let reason: PendingReason | undefined;
  let reasonAt = 0;
  let status: string = job.status;
  while (!FINISHED.has(status) && !signal.aborted) {
    const p = await client.progress(job.id);
    status = p.status;
    if (FINISHED.has(status)) break;
    if (status !== 'pending') reason = undefined;
    else if (!reason || Date.now() - reasonAt >= reasonEveryMs) {
      reason = (await whyPending(client, job.id)) ?? reason;
      reasonAt = Date.now();
    }
    display.update({
      status,
      processed: p.totalItems ? p.processedItems : undefined,
      total: p.totalItems,
      percent: p.totalItems && status !== 'pending' ? p.percent : undefined,
      elapsedMs: Date.now() - began,
      note: status === 'pending' ? reason?.text : undefined,
    });
    if (status === 'pending' && !options.localRunner && Date.now() >= nextRunnerCheck) {
      nextRunnerCheck = Date.now() + options.runnerTimeoutMs;
      if ((await whyPending(client, job.id))?.idle) {
        display.finish();
        const elsewhere = client.mode === 'local' ? 'start the server (npm start), or run it here with --local-runner' : 'check that the server runs a queue (QUEUE_WORKERS > 0)';
        throw unreachableError(
          `No queue runner picked up job ${job.id} (${job.type}) in ${Math.round(options.runnerTimeoutMs / 1000)} s: ${elsewhere}. The job stays queued (nightshift cancel ${job.id} removes it)`,
          'NO_RUNNER',
          { jobId: job.id },
        );
      }
    }
    await pause(client.pollMs, signal);
  }
  display.finish();
  if (!FINISHED.has(status)) return interrupted(ctx, client, job);
  const final = await client.getJob(job.id);
  const timing = queueTiming(final);
  const outcome = final.status === 'completed' ? `result: ${jsonSnippet(final.result, 200)}` : `error: ${final.lastError ?? final.status}`;
  const text = `${final.type}: ${finishedText(final, timing, (s) => ctx.out.paint(s))}\n  ${outcome}`;
  return { data: { kind: 'queue', job: final, timing }, text, exitCode: final.status === 'completed' ? EXIT.ok : EXIT.failed };
}

/** Why the job is still pending (fresh from its row and the queue), or undefined once it is not. */
async function whyPending(client: Client, id: string): Promise<PendingReason | undefined> {
  const [job, processing] = await Promise.all([client.getJob(id), client.processingCount()]);
  return job.status === 'pending' ? pendingReason(job, processing) : undefined;
}

async function interrupted(ctx: CommandContext, client: Client, job: QueueJob): Promise<never> {
  const fail = (message: string, status?: string): never => {
    throw new CliError(EXIT.interrupted, `Interrupted: ${message}`, 'INTERRUPTED', { jobId: job.id, ...(status ? { status } : {}) });
  };
  const which = `job ${job.id} (${job.type})`;
  if (ctx.values['cancel-on-exit'] === true) {
    const outcome = await client.cancel(job.id).then(
      (r) => (r.outcome === 'cancelled' ? 'cancelled' : 'asked to cancel'),
      (err: Error) => `not cancelled (${err.message})`,
    );
    await client.stopHere?.(INTERRUPT_GRACE_MS);
    return fail(`${which} ${outcome}`);
  }
  if (ctx.values['local-runner'] === true && client.stopHere) {
    await client.stopHere(INTERRUPT_GRACE_MS);
    const after = await client.getJob(job.id);
    const what = after.status === 'pending' ? 'is back in the queue for another runner' : `is ${after.status}`;
    return fail(`the local runner stopped; ${which} ${what}`, after.status);
  }
  throw new CliError(EXIT.interrupted, `Stopped following ${which}; it keeps running (nightshift job ${job.id}, nightshift cancel ${job.id})`, 'INTERRUPTED', {
    jobId: job.id,
  });
}
