// The CLI's pieces that need no process: argument checks, API error -> exit code mapping, tables,
// time formats and the progress display (terminal redraw vs plain lines).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/args.ts';
import { errorFor } from '../../src/cli/client/http.ts';
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

test('the CLI signs its own token only for a server on this host', () => {
  for (const url of ['http://localhost:3000', 'http://127.0.0.1:3456', 'http://127.1.2.3', 'http://[::1]:3000/', 'https://app.localhost', 'http://0.0.0.0:3000']) {
    assert.equal(isLoopback(new URL(url)), true, url);
  }
  for (const url of ['http://example.com', 'http://10.0.0.5:3000', 'http://localhost.example.com', 'http://127.0.0.1.nip.io', 'http://[::2]']) {
    assert.equal(isLoopback(new URL(url)), false, url);
  }
});
