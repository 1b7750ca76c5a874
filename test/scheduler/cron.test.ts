// Cron arithmetic: due times are whole seconds whatever the milliseconds of "now", strictly after
// `from` for nextDue and at or before it for previousDue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextDue, previousDue } from '../../src/jobs/cron.ts';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString();

test('nextDue is a whole second, also when the next due time is in the same hour as now', () => {
  assert.equal(iso(nextDue('30 4 * * *', 'UTC', at('2026-11-23T04:10:05.604Z'))), '2026-11-23T04:30:00.000Z');
  assert.equal(iso(nextDue('*/5 * * * *', 'UTC', at('2026-11-23T04:10:05.604Z'))), '2026-11-23T04:15:00.000Z');
  assert.equal(iso(nextDue('30 4 * * *', 'UTC', at('2026-11-23T03:59:05.604Z'))), '2026-11-23T04:30:00.000Z');
});

test('nextDue is strictly after `from`, previousDue at or before it', () => {
  assert.equal(iso(nextDue('*/5 * * * *', 'UTC', at('2026-11-23T04:30:00.300Z'))), '2026-11-23T04:35:00.000Z');
  assert.equal(iso(nextDue('*/5 * * * *', 'UTC', at('2026-11-23T04:30:00.000Z'))), '2026-11-23T04:35:00.000Z');
  assert.equal(iso(previousDue('*/5 * * * *', 'UTC', at('2026-11-23T04:30:00.300Z'))), '2026-11-23T04:30:00.000Z');
  assert.equal(iso(previousDue('*/5 * * * *', 'UTC', at('2026-11-23T04:34:59.999Z'))), '2026-11-23T04:30:00.000Z');
});

test('a timezone moves the wall-clock time, not the seconds', () => {
  // 03:00 in Berlin (UTC+1 in November) is 02:00 UTC.
  assert.equal(iso(nextDue('0 3 * * *', 'Europe/Berlin', at('2026-11-23T01:10:05.604Z'))), '2026-11-23T02:00:00.000Z');
});
