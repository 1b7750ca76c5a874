// `npm test` proves `npm run verify` works: runs scripts/verify.sh as a child process (it starts its
// own server on a temporary database, replays seed 000 with curl and writes reports/proof.md), then
// checks the exit code and that the proof's summary has every seed 000 step as PASS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/index.ts';

// The summary rows verify.sh must write, one per step of seed 000 (plus health and the 401 check).
const STEPS = [
  'Server healthy',
  'Scheduler starts',
  '2 jobs registered',
  'GET /api/jobs/status',
  'Manual job trigger',
  'Job history recorded',
  'Preview cleanup works',
  'i18n cache cleanup works',
  'Staff user blocked (403)',
  'No token rejected (401)',
];

test('scripts/verify.sh replays seed 000 against a fresh server and writes reports/proof.md, all PASS', { timeout: 120_000 }, async () => {
  // A clean environment for the child: no BASE_URL (so it starts its own server), no inherited
  // secret or test-runner context, nothing that could switch the scheduler off.
  const env = { ...process.env };
  for (const key of ['BASE_URL', 'JWT_SECRET', 'SERVER_LOG', 'PROOF_FILE', 'NODE_TEST_CONTEXT', 'JOBS_ENABLED', 'JOBS_DIR', 'DATABASE_PATH', 'PORT', 'HOST']) {
    delete env[key];
  }
  const child = spawn('bash', ['scripts/verify.sh'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = setTimeout(() => child.kill('SIGTERM'), 110_000); // let its trap stop the server
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, `verify.sh exited ${code}:\n${output}`);

  for (const step of STEPS) assert.match(output, new RegExp(`^${escape(step)}\\s+PASS$`, 'm'), `stdout: ${step} PASS`);
  const proof = readFileSync(join(REPO_ROOT, 'reports', 'proof.md'), 'utf8');
  for (const step of STEPS) assert.ok(proof.includes(`| ${step} | ✅ PASS |`), `proof.md summary: ${step} PASS`);
  assert.doesNotMatch(proof, /FAIL|SKIP/);
  assert.match(proof, /\*\*Status:\*\* COMPLETE/);
  // The proof holds the real outputs, not just verdicts (seed 000 C2/C4 bodies), and no token.
  assert.ok(proof.includes('"code": "EXPIRED"') && proof.includes('"code": "NOT_FOUND"'));
  assert.doesNotMatch(proof, /eyJ[\w-]+\.eyJ/, 'no JWT value in the proof');
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
