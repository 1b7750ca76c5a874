// `npm run screenshots`: starts Nightshift on a temp database with demo data (ten days of scheduled
// runs, queue jobs that completed, failed, were cancelled or wait, and a long export in progress),
// signs in with headless Chromium and writes PNGs of the main pages to docs/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_HISTORY, seedBulkRuns, seedRunHistory } from '../test/dashboard/demo-data.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, startDashboardRuntime } from '../test/dashboard/runtime-helpers.ts';
import { REPO_ROOT, waitFor } from '../test/helpers/index.ts';

const OUT = join(REPO_ROOT, 'docs', 'screenshots');

if (!chromiumAvailable()) {
  console.error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });

const app = await startDashboardRuntime({
  seed: (db) => {
    seedRunHistory(db, DEMO_HISTORY);
    seedBulkRuns(db, 'system.ping', 900);
    db.prepare(`INSERT INTO requests (id, tenant_id, title, remind_at, created_at) VALUES ('req-42', 'acme', 'Renew the TLS certificate', NULL, ?)`).run(Date.now());
  },
});
const { queue } = app.runtime;
const browser = await launchChromium();
try {
  // Queue jobs that run quickly, then the long export (one worker: it would hold the thread).
  const quick = [
    ...await Promise.all(Array.from({ length: 6 }, async () => (await queue.enqueue({ type: 'system.ping', tenantId: 'acme', actorId: 'ops@acme.test' })).job.id)),
    (await queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-42' }, tenantId: 'acme', actorId: 'ops@acme.test' })).job.id,
    (await queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-404' }, tenantId: 'acme', actorId: 'ops@acme.test' })).job.id,
    // One run of a queue-only job type: its page has a chart with a single bar.
    (await queue.enqueue({ type: 'system.sleep', payload: { seconds: 1, steps: 2 }, tenantId: 'acme', actorId: 'ops@acme.test' })).job.id,
  ];
  await waitFor(async () => (await Promise.all(quick.map((id) => queue.get(id)))).every((job) => ['completed', 'failed'].includes(job!.status)), { timeoutMs: 30_000, what: 'demo jobs' });
  // The reminder for a missing request fails without retrying; retried by hand, it fails again:
  // two rounds of attempts, each starting at attempt 1.
  const retried = quick.at(-2)!;
  await queue.retry(retried);
  await waitFor(async () => {
    const job = (await queue.get(retried))!;
    return job.status === 'failed' && job.errorLog.length === 2 ? true : undefined;
  }, { timeoutMs: 30_000, what: 'retried job' });
  const later = (await queue.enqueue({ type: 'exportRuns', payload: { status: 'failed' }, runAt: new Date(Date.now() + 3 * 60 * 60_000), tenantId: 'acme' })).job;
  await queue.enqueue({ type: 'system.ping', runAt: new Date(Date.now() + 45 * 60_000) });
  await queue.cancel(later.id);
  const exportJob = (await queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10, pauseMs: 250 }, tenantId: 'acme', actorId: 'ops@acme.test' })).job;
  await waitFor(async () => ((await queue.get(exportJob.id))!.progress.percent >= 30 ? true : undefined), { timeoutMs: 30_000, what: 'export progress' });

  const shoot = async (page: Page, name: string, fullPage = true) => {
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
    console.log(`wrote docs/screenshots/${name}.png`);
  };

  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: scheme, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const suffix = scheme === 'dark' ? '-dark' : '';
    if (scheme === 'light') {
      await page.goto(`${app.url}/dashboard/sign-in`);
      await shoot(page, 'sign-in', false);
    }
    await page.goto(await app.signInLink('admin'));
    await page.waitForURL(`${app.url}/dashboard`);
    await shoot(page, `overview${suffix}`);
    if (scheme === 'dark') {
      await context.close();
      continue;
    }
    // Filtered with "Last hour": the time fields hold a full date and time, Clear sits by Apply.
    await page.goto(`${app.url}/dashboard/runs`);
    await page.getByRole('link', { name: 'Last hour' }).click();
    await shoot(page, 'runs', false);
    await page.goto(`${app.url}/dashboard/jobs/cleanupPreviewSessions`);
    await shoot(page, 'job');
    await page.goto(`${app.url}/dashboard/jobs/system.sleep`);
    await shoot(page, 'job-single-run', false);
    await page.goto(`${app.url}/dashboard/queue`);
    await shoot(page, 'queue');
    await page.goto(`${app.url}/dashboard/queue/${exportJob.id}`);
    await shoot(page, 'queue-job');
    await page.goto(`${app.url}/dashboard/queue/${retried}`);
    await shoot(page, 'queue-job-retried');
    await page.goto(`${app.url}/dashboard/queue/${later.id}`);
    await shoot(page, 'queue-job-cancelled', false);
    await page.goto(`${app.url}/dashboard/queue/${exportJob.id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('dialog').waitFor();
    await shoot(page, 'cancel-dialog', false);
    await page.keyboard.press('Escape');
    await page.goto(`${app.url}/dashboard/queue/new?type=exportRuns`);
    await shoot(page, 'enqueue', false);
    await context.close();
  }

  const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(await app.signInLink('admin'));
  await page.waitForURL(`${app.url}/dashboard`);
  await shoot(page, 'phone-overview', true);
  await page.goto(`${app.url}/dashboard/queue/${exportJob.id}`);
  await shoot(page, 'phone-queue-job', false);
  await page.goto(`${app.url}/dashboard/runs`);
  await page.getByRole('link', { name: 'Last hour' }).click();
  await shoot(page, 'phone-runs', false);
  await phone.close();
} finally {
  await browser.close();
  await app.stop();
}
