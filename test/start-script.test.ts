// `npm start` is what .replit and deployments run, and their stop signal goes to the npm process.
// The signal must reach the server (the start script execs node rather than leaving a shell or a
// tsx wrapper in between), which then shuts down cleanly and stops listening.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { REPO_ROOT, tempDb, waitFor } from './helpers/index.ts';

test('SIGTERM to the `npm start` process stops the server cleanly', { timeout: 60_000 }, async (t) => {
  const db = tempDb();
  db.db.close();
  t.after(() => db.cleanup());
  const env: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: db.path, LOG_FORMAT: 'json', NODE_ENV: 'development', JWT_SECRET: 'start-script-test-secret-of-32-bytes-or-more' };
  delete env.NODE_TEST_CONTEXT;
  const npm = spawn('npm', ['start', '--silent'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  npm.stdout.on('data', (d) => (output += d));
  npm.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => npm.on('close', resolve));
  t.after(() => npm.kill('SIGKILL'));

  const url = await waitFor(() => listeningUrl(output), { timeoutMs: 30_000, what: 'the listening line' });
  assert.equal((await fetch(`${url}/api/health`)).status, 200);

  npm.kill('SIGTERM');
  const code = await exited;
  assert.equal(code, 0, `npm start exited ${code}:\n${output}`);
  const records = jsonRecords(output);
  assert.ok(records.some((r) => r.msg === 'Shutting down' && r.signal === 'SIGTERM'), 'logs the shutdown and its signal');
  assert.ok(records.some((r) => r.msg === 'Stopped'), 'logs that it stopped');
  await assert.rejects(fetch(`${url}/api/health`), 'nothing listens on the port any more');
});

/** The JSON log lines of the output (field order is the logger's business, so match on fields). */
function jsonRecords(output: string): Record<string, unknown>[] {
  return output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** The url of the JSON log line "Nightshift listening". */
function listeningUrl(output: string): string | undefined {
  return jsonRecords(output).find((r) => r.msg === 'Nightshift listening')?.url as string | undefined;
}
