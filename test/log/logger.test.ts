// The logger: pino-backed JSON and pretty lines, sinks, level filtering, log-forging escapes, and a
// host app's own pino logger standing in through fromHostLogger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { createLogger, errorFields, formatPretty, fromHostLogger, type LogRecord, type LoggerOptions } from '../../src/log/logger.ts';

const FORGED = 'a\nINFO forged line';

/** A destination that keeps what was written, split into lines. */
function capture() {
  let text = '';
  return {
    destination: { write: (chunk: string) => (text += chunk) },
    text: () => text,
    lines: () => text.split('\n').filter((line) => line !== ''),
  };
}

function loggerTo(options: LoggerOptions) {
  const out = capture();
  return { out, logger: createLogger({ ...options, destination: out.destination }) };
}

test('pretty: one line per record, with the time, level, message, bindings and fields', () => {
  const { out, logger } = loggerTo({ format: 'pretty', level: 'debug' });
  logger.child({ job: 'cleanup' }).info('Job finished', { deleted: 3, details: { dryRun: false } });
  logger.warn('Queue is deep');

  const lines = out.lines();
  assert.equal(lines.length, 2, out.text());
  assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} INFO  Job finished job=cleanup deleted=3 details=\{"dryRun":false\}$/);
  assert.match(lines[1]!, /^\d\d:\d\d:\d\d\.\d{3} WARN  Queue is deep$/);
});

test('pretty: a forged newline in a field or message is escaped, so the record stays on one line', () => {
  const { out, logger } = loggerTo({ format: 'pretty' });
  logger.child({ tenantId: FORGED }).info(`hello ${FORGED}`, { note: 'x\r\u0085y\u2028z', nested: { v: 'p\u2029q' } });

  const lines = out.lines();
  assert.equal(lines.length, 1, out.text());
  assert.ok(!/[\r\u0085\u2028\u2029]/.test(out.text()), 'no raw line breaks of any kind');
  assert.ok(lines[0]!.includes('hello a\\nINFO forged line'), lines[0]);
  assert.ok(lines[0]!.includes('tenantId=a\\nINFO forged line'), lines[0]);
  assert.ok(lines[0]!.includes('note=x\\u000d\\u0085y\\u2028z'), lines[0]);
  assert.ok(lines[0]!.includes('nested={"v":"p\\u2029q"}'), lines[0]);
});

test('formatPretty escapes records it is handed directly (the CLI writes them to stderr)', () => {
  const line = formatPretty({ level: 'error', time: '2025-01-02T03:04:05.678Z', msg: FORGED, tenantId: FORGED, gone: undefined });
  assert.equal(line, '03:04:05.678 ERROR a\\nINFO forged line tenantId=a\\nINFO forged line');
});

test('json: each line parses, with a level label, time, msg, bindings and fields; forged newlines stay inside strings', () => {
  const { out, logger } = loggerTo({ format: 'json' });
  logger.child({ job: 'cleanup' }).child({ runId: 'r1' }).info('Job finished', { tenantId: FORGED, count: 2 });
  logger.error(FORGED, errorFields(new Error('boom')));

  const lines = out.lines();
  assert.equal(lines.length, 2, out.text());
  assert.match(lines[0]!, /"job":"cleanup","runId":"r1","msg":"Job finished","tenantId":/, 'bindings, then msg, then fields');
  const [first, second] = lines.map((line) => JSON.parse(line));
  assert.equal(first.level, 'info');
  assert.equal(first.msg, 'Job finished');
  assert.equal(first.job, 'cleanup');
  assert.equal(first.runId, 'r1');
  assert.equal(first.tenantId, FORGED);
  assert.equal(first.count, 2);
  assert.ok(!Number.isNaN(Date.parse(first.time)) && first.time.endsWith('Z'), first.time);
  assert.equal(second.level, 'error');
  assert.equal(second.msg, FORGED);
  assert.equal(second.err, 'boom');
  assert.match(second.stack, /^Error: boom/);
});

test('levels: debug is hidden at info, shown at debug; silent prints nothing', () => {
  const atInfo = loggerTo({ format: 'json', level: 'info' });
  atInfo.logger.debug('hidden');
  atInfo.logger.child({ job: 'x' }).debug('hidden too');
  atInfo.logger.info('shown');
  assert.deepEqual(atInfo.out.lines().map((line) => JSON.parse(line).msg), ['shown']);

  const atDebug = loggerTo({ format: 'json', level: 'debug' });
  atDebug.logger.debug('shown');
  assert.equal(JSON.parse(atDebug.out.lines()[0]!).level, 'debug');

  const silent = loggerTo({ format: 'pretty', level: 'silent' });
  silent.logger.error('nothing');
  silent.logger.child({ job: 'x' }).error('still nothing');
  assert.equal(silent.out.text(), '');
});

test('sink: receives LogRecords with level, ISO time, msg, bindings and fields (fields win over bindings)', () => {
  const records: LogRecord[] = [];
  const logger = createLogger({ level: 'debug', sink: (r) => records.push(r) }, { traceId: 't-1', tenantId: 'acme' });
  logger.child({ job: 'send-email' }).warn('Retrying', { attempt: 2, tenantId: 'other' });
  logger.debug('Claimed');

  assert.equal(records.length, 2);
  const [retry, claimed] = records;
  assert.equal(retry!.level, 'warn');
  assert.equal(retry!.msg, 'Retrying');
  assert.equal(retry!.traceId, 't-1');
  assert.equal(retry!.job, 'send-email');
  assert.equal(retry!.attempt, 2);
  assert.equal(retry!.tenantId, 'other');
  assert.equal(new Date(retry!.time).toISOString(), retry!.time);
  assert.equal(claimed!.level, 'debug');
  assert.equal(claimed!.job, undefined, 'a child binding stays on the child');
  assert.equal('pid' in claimed!, false, 'records carry no pino base fields');
});

test('fromHostLogger: lines land in a real pino stream with the host bindings, Nightshift fields and msg; child() chains', () => {
  const out = capture();
  const host = pino({ level: 'debug', base: { app: 'shop' } }, out.destination);
  const logger = fromHostLogger(host.child({ module: 'jobs' }));

  logger.info('Job finished', { job: 'cleanup', deleted: 3 });
  logger.child({ runId: 'r1' }).child({ traceId: 't1' }).warn('Slow run', { ms: 900 });
  logger.debug('Claimed 50% %s of the batch');

  const [finished, slow, claimed] = out.lines().map((line) => JSON.parse(line));
  // The host's own format: pino's numeric levels unless the host asks otherwise.
  assert.equal(finished.level, 30);
  assert.equal(finished.app, 'shop');
  assert.equal(finished.module, 'jobs');
  assert.equal(finished.msg, 'Job finished');
  assert.equal(finished.job, 'cleanup');
  assert.equal(finished.deleted, 3);
  assert.equal(slow.level, 40);
  assert.equal(slow.app, 'shop');
  assert.equal(slow.runId, 'r1');
  assert.equal(slow.traceId, 't1');
  assert.equal(slow.ms, 900);
  assert.equal(slow.msg, 'Slow run');
  assert.equal(claimed.msg, 'Claimed 50% %s of the batch', 'messages are not format strings');
});

test('fromHostLogger respects the host level', () => {
  const out = capture();
  const logger = fromHostLogger(pino({ level: 'warn' }, out.destination));
  logger.info('hidden');
  logger.error('shown');
  assert.deepEqual(out.lines().map((line) => JSON.parse(line).msg), ['shown']);
});

test('errorFields: message always, stack for Errors; non-Errors become strings', () => {
  const fields = errorFields(new TypeError('bad input'));
  assert.equal(fields.err, 'bad input');
  assert.match(String(fields.stack), /^TypeError: bad input/);
  assert.deepEqual(errorFields('plain'), { err: 'plain' });
  assert.deepEqual(errorFields(42), { err: '42' });
});
