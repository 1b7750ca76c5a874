// Configuration parsed once from the environment: the defaults the README documents, and values
// that stop start-up with a message naming the variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig } from '../../src/app/config.ts';

test('defaults: port 3000, jobs on, one queue worker, 8-hour dashboard sessions, no metrics token', () => {
  const config = parseConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.databasePath, 'data/nightshift.db');
  assert.equal(config.jobsEnabled, true);
  assert.equal(config.queueWorkers, 1);
  assert.equal(config.dashboardSessionMinutes, 480);
  assert.equal(config.metricsToken, undefined);
});

test('METRICS_TOKEN needs 16 characters or more; empty counts as unset', () => {
  assert.throws(() => parseConfig({ METRICS_TOKEN: 'short' }), (err: Error) => err instanceof ConfigError && /METRICS_TOKEN/.test(err.message));
  assert.equal(parseConfig({ METRICS_TOKEN: 'x'.repeat(16) }).metricsToken, 'x'.repeat(16));
  assert.equal(parseConfig({ METRICS_TOKEN: '' }).metricsToken, undefined);
});

test('DASHBOARD_SESSION_MINUTES is a whole number from 1 to 7 days; bad values name the variable', () => {
  assert.equal(parseConfig({ DASHBOARD_SESSION_MINUTES: '60' }).dashboardSessionMinutes, 60);
  for (const bad of ['0', '10081', 'abc']) {
    assert.throws(() => parseConfig({ DASHBOARD_SESSION_MINUTES: bad }), /DASHBOARD_SESSION_MINUTES/, bad);
  }
  assert.throws(() => parseConfig({ PORT: 'abc' }), /PORT/);
  assert.throws(() => parseConfig({ JOBS_ENABLED: 'maybe' }), /JOBS_ENABLED/);
});

test('JOBS_TIMEZONE must be a time zone the runtime knows (or local/system); a bad one names the variable', () => {
  assert.equal(parseConfig({}).timezone, 'UTC');
  for (const good of ['Europe/Paris', 'America/New_York', 'local', 'system']) assert.equal(parseConfig({ JOBS_TIMEZONE: good }).timezone, good);
  assert.throws(
    () => parseConfig({ JOBS_TIMEZONE: 'Mars/Olympus' }),
    (err: Error) => err instanceof ConfigError && err.message === 'Invalid configuration: JOBS_TIMEZONE: unknown time zone "Mars/Olympus" (use an IANA name such as UTC or Europe/Paris, or local)',
  );
});
