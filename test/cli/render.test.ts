// The CLI's pieces that need no process: argument checks, API error -> exit code mapping, tables,
// time formats and the progress display (terminal redraw vs plain lines).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.ts';
import { errorFor } from '../../src/cli/client/http.ts';
import type { QueueJob } from '../../src/cli/client/types.ts';
import { finishedText, pendingReason, queueTiming } from '../../src/cli/commands/queue-wait.ts';
import { CliError, EXIT } from '../../src/cli/errors.ts';
import { duration, relativeTime, statusPainter } from '../../src/cli/render/format.ts';
import { ProgressDisplay, progressBar } from '../../src/cli/render/progress.ts';
import { table } from '../../src/cli/render/table.ts';
import { isLoopback } from '../../src/cli/token.ts';

function usage(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    assert.ok(err instanceof CliError);
    assert.equal(err.exitCode, EXIT.usage);
    return err.message;
  }
  assert.fail(`${argv.join(' ')} was accepted`);
}

test('parseCommandLine: options anywhere, each command only its own options', () => {
  const parsed = parseCommandLine(['--json', 'runs', '--job', 'a', '--limit', '5']);
  assert.deepEqual({ ...parsed, values: { ...parsed.values } }, { command: 'runs', argument: undefined, values: { json: true, job: 'a', limit: '5' } });
  assert.equal(parseCommandLine(['job', 'abc', '--url', 'http://x']).argument, 'abc');
  assert.equal(usage(['enqueue', 'x', '--role', 'admin']), '"enqueue" does not take --role');
  assert.equal(usage(['status', 'extra']), 'Too many arguments for "status": extra');
  assert.equal(usage(['cancel']), '"cancel" needs an argument: nightshift cancel <id>');
  assert.match(usage(['runs', '--bogus']), /Unknown option '--bogus'/);
  assert.match(usage(['runs', '--limit']), /--limit/);
});

test('API errors map to the documented exit codes', () => {
  const cases: [number, Record<string, unknown>, number, string][] = [
    [401, { error: 'no', code: 'UNAUTHORIZED' }, EXIT.unreachable, 'UNAUTHORIZED'],
    [403, { error: 'Insufficient permissions' }, EXIT.unreachable, 'HTTP_403'],
    [404, { error: 'Job not found', code: 'NOT_FOUND' }, EXIT.notFound, 'NOT_FOUND'],
    [400, { error: 'Unknown job type "x"', code: 'UNKNOWN_JOB_TYPE', field: 'type' }, EXIT.notFound, 'UNKNOWN_JOB_TYPE'],
    [400, { error: 'Invalid field', code: 'VALIDATION_ERROR', field: 'data.x' }, EXIT.usage, 'VALIDATION_ERROR'],
    [413, { error: 'too large', code: 'PAYLOAD_TOO_LARGE' }, EXIT.usage, 'PAYLOAD_TOO_LARGE'],
    [409, { error: 'already running', code: 'CONFLICT', runId: 'r' }, EXIT.conflict, 'CONFLICT'],
    [503, { error: 'disabled', code: 'JOBS_DISABLED' }, EXIT.conflict, 'JOBS_DISABLED'],
    [500, { error: 'Internal server error', code: 'INTERNAL' }, EXIT.failed, 'INTERNAL'],
  ];
  for (const [status, body, exitCode, code] of cases) {
    const err = errorFor(status, body);
    assert.deepEqual([err.exitCode, err.code], [exitCode, code], `HTTP ${status}`);
  }
  assert.deepEqual(errorFor(409, { error: 'x', code: 'CONFLICT', runId: 'r1' }).extra, { runId: 'r1' });
});

test('table: columns padded to the widest visible cell (colour codes ignored), long cells cut', () => {
  const paint = statusPainter(true);
  const text = table(
    [{ header: 'NAME' }, { header: 'STATUS' }, { header: 'NOTE', max: 8 }],
    [
      ['a', 'success', 'short'],
      ['longer-name', 'failed', 'a very long error message'],
    ],
    (r, c, cell) => (c === 1 ? paint(r === 0 ? 'success' : 'failed', cell) : cell),
  );
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  assert.equal(plain, ['NAME         STATUS   NOTE', 'a            success  short', 'longer-name  failed   a very …'].join('\n'));
  assert.ok(text.includes('\x1b[32msuccess\x1b[0m') && text.includes('\x1b[31mfailed\x1b[0m'));
  assert.equal(statusPainter(false)('failed'), 'failed');
});

test('durations and relative times read naturally', () => {
  assert.deepEqual([duration(12), duration(1_440), duration(125_000), duration(3_720_000), duration(null)], ['12 ms', '1.4 s', '2m 05s', '1h 02m', '-']);
  const now = Date.parse('2030-01-01T12:00:00Z');
  assert.equal(relativeTime('2030-01-01T11:59:48Z', now), '12s ago');
  assert.equal(relativeTime('2030-01-01T14:57:00Z', now), 'in 2h 57m');
  assert.equal(relativeTime('2029-12-25T12:00:00Z', now), '7d ago');
  assert.equal(relativeTime(null, now), '-');
});

function fakeStream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (s: string) => writes.push(s) } };
}

test('progress on a terminal: one line redrawn in place, bar and numbers, cleared at the end', () => {
  const { writes, stream } = fakeStream(true);
  const display = new ProgressDisplay(stream, 'exportRuns', { intro: 'exportRuns: job j1 enqueued' });
  display.start();
  display.update({ status: 'pending', elapsedMs: 100 });
  display.update({ status: 'processing', processed: 500, total: 2000, percent: 25, elapsedMs: 1_500 });
  display.finish();
  assert.equal(writes[0], 'exportRuns: job j1 enqueued\n');
  assert.match(writes[1]!, /^\r\x1b\[2K⠋ exportRuns {2}pending {2}100 ms$/);
  assert.equal(writes[2], `\r\x1b[2KexportRuns  ${progressBar(25)}   25%  500/2000  1.5 s`);
  assert.equal(progressBar(25), '██████░░░░░░░░░░░░░░░░░░');
  assert.equal(writes[3], '\r\x1b[2K');
  assert.ok(writes.slice(1).every((w) => !w.includes('\n')), 'nothing scrolls while redrawing');
});

test('progress without a terminal: a line per status change, per 10% step and per heartbeat only', () => {
  const { writes, stream } = fakeStream(false);
  const display = new ProgressDisplay(stream, 'exportRuns', { heartbeatMs: 10_000 });
  const at = (percent: number | undefined, elapsedMs: number, status = 'processing') =>
    display.update({ status, processed: percent, total: percent === undefined ? undefined : 100, percent, elapsedMs });
  at(undefined, 0, 'pending');
  at(undefined, 100, 'pending'); // same status: nothing
  at(3, 600);
  at(7, 700); // same 10% step: nothing
  at(12, 800);
  at(13, 11_000); // heartbeat
  display.finish();
  assert.deepEqual(writes, [
    'exportRuns: pending, 0 ms\n',
    'exportRuns: processing 3% (3/100), 600 ms\n',
    'exportRuns: processing 12% (12/100), 800 ms\n',
    'exportRuns: processing 13% (13/100), 11.0 s\n',
  ]);
});

test('progress with a pending reason: shown after the status; a new reason is a new line, new numbers in it are not', () => {
  const tty = fakeStream(true);
  const redrawn = new ProgressDisplay(tty.stream, 'exportRuns');
  redrawn.update({ status: 'pending', elapsedMs: 2_000, note: 'waiting for a free worker (1 job processing)' });
  assert.match(tty.writes[0]!, /^\r\x1b\[2K⠋ exportRuns {2}pending: waiting for a free worker \(1 job processing\) {2}2\.0 s$/);

  const { writes, stream } = fakeStream(false);
  const display = new ProgressDisplay(stream, 'exportRuns', { heartbeatMs: 10_000 });
  const pending = (note: string, elapsedMs: number) => display.update({ status: 'pending', elapsedMs, note });
  pending('due at 2030-01-01 09:00:00Z (in 5s)', 0);
  pending('due at 2030-01-01 09:00:00Z (in 4s)', 1_000); // same reason: nothing
  pending('waiting for a free worker (1 job processing)', 5_100);
  pending('waiting for a free worker (2 jobs processing)', 5_200); // same reason, other count: nothing
  pending('waiting for a free worker (2 jobs processing)', 15_200); // heartbeat
  display.update({ status: 'processing', processed: 0, total: 10, percent: 0, elapsedMs: 16_000 });
  assert.deepEqual(writes, [
    'exportRuns: pending: due at 2030-01-01 09:00:00Z (in 5s), 0 ms\n',
    'exportRuns: pending: waiting for a free worker (1 job processing), 5.1 s\n',
    'exportRuns: pending: waiting for a free worker (2 jobs processing), 15.2 s\n',
    'exportRuns: processing 0% (0/10), 16.0 s\n',
  ]);
});

function queueJob(fields: Partial<QueueJob>): QueueJob {
  return {
    id: 'j1', type: 'exportRuns', status: 'pending', payload: {}, envelope: { tenantId: null, actorId: null, traceId: 't', requestId: null },
    priority: 0, attempts: 0, maxAttempts: 3, runAt: '2030-01-01T12:00:00.000Z', progress: { processedItems: 0, totalItems: null, percent: 0 },
    result: null, errorLog: [], lastError: null, idempotencyKey: null, createdBy: 'cli', createdAt: '2030-01-01T12:00:00.000Z',
    startedAt: null, completedAt: null, updatedAt: '2030-01-01T12:00:00.000Z', ...fields,
  };
}

test('pendingReason: due later (or a retry waiting out its backoff), every worker busy, or no runner at all', () => {
  const now = Date.parse('2030-01-01T12:00:10Z');
  assert.deepEqual(pendingReason(queueJob({ runAt: '2030-01-01T12:03:00.000Z' }), 1, now), { text: 'due at 2030-01-01 12:03:00Z (in 2m)', idle: false });
  assert.equal(pendingReason(queueJob({ runAt: '2030-01-01T12:00:40.000Z', attempts: 1 }), 0, now).text, 'attempt 2 due at 2030-01-01 12:00:40Z (in 30s)');
  assert.deepEqual(pendingReason(queueJob({}), 1, now), { text: 'waiting for a free worker (1 job processing)', idle: false });
  assert.equal(pendingReason(queueJob({}), 3, now).text, 'waiting for a free worker (3 jobs processing)');
  // Only this case may end in NO_RUNNER: due, never attempted, nothing processing anywhere.
  assert.deepEqual(pendingReason(queueJob({}), 0, now), { text: 'waiting for a queue runner to pick it up', idle: true });
  assert.equal(pendingReason(queueJob({ attempts: 1 }), 0, now).idle, false);
});

test('finishedText: the run time, then the wait in the queue and the whole time since enqueue', () => {
  const plain = (s: string) => s;
  const done = queueJob({ status: 'completed', attempts: 1, startedAt: '2030-01-01T12:01:49.000Z', completedAt: '2030-01-01T12:01:49.350Z' });
  const timing = queueTiming(done);
  assert.deepEqual(timing, { runMs: 350, waitedMs: 109_000, totalMs: 109_350 });
  assert.equal(finishedText(done, timing, plain), 'completed in 350 ms (waited 1m 49s in the queue, 1m 49s in all; job j1, attempt 1 of 3)');

  const delayed = queueJob({ status: 'completed', attempts: 1, runAt: '2030-01-01T12:00:30.000Z', startedAt: '2030-01-01T12:00:30.200Z', completedAt: '2030-01-01T12:00:31.000Z' });
  assert.equal(finishedText(delayed, queueTiming(delayed), plain), 'completed in 800 ms (waited 30.2 s in the queue until its run-at time, 31.0 s in all; job j1, attempt 1 of 3)');
  const late = { ...delayed, startedAt: '2030-01-01T12:00:42.000Z', completedAt: '2030-01-01T12:00:43.000Z' };
  assert.equal(finishedText(late, queueTiming(late), plain), 'completed in 1.0 s (waited 42.0 s in the queue, 12.0 s of it after its run-at time, 43.0 s in all; job j1, attempt 1 of 3)');

  const retried = queueJob({ status: 'failed', attempts: 3, startedAt: '2030-01-01T12:00:20.000Z', completedAt: '2030-01-01T12:00:21.000Z' });
  assert.equal(finishedText(retried, queueTiming(retried), plain), 'failed in 1.0 s (this attempt started 20.0 s after the job was enqueued, 21.0 s in all; job j1, attempt 3 of 3)');

  const never = queueJob({ status: 'cancelled', completedAt: '2030-01-01T12:00:05.000Z' });
  assert.deepEqual(queueTiming(never), { runMs: null, waitedMs: null, totalMs: 5_000 });
  assert.equal(finishedText(never, queueTiming(never), plain), 'cancelled after 5.0 s in the queue, never started (job j1, attempt 0 of 3)');
});

test('the CLI signs its own token only for a server on this host', () => {
  for (const url of ['http://localhost:3000', 'http://127.0.0.1:3456', 'http://127.1.2.3', 'http://[::1]:3000/', 'https://app.localhost', 'http://0.0.0.0:3000']) {
    assert.equal(isLoopback(new URL(url)), true, url);
  }
  for (const url of ['http://example.com', 'http://10.0.0.5:3000', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[::2]']) {
    assert.equal(isLoopback(new URL(url)), false, url);
  }
});
