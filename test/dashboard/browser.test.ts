// The dashboard in a real browser: headless Chromium (Debian's package, driven by playwright-core)
// against a real runtime on 127.0.0.1 with the shipped jobs. The scenario: sign in through
// the link `npm run token` prints, see the scheduled jobs, trigger a run and watch it appear
// without a reload, enqueue the long export and watch its progress bar move, cancel it through the
// confirmation dialog (by keyboard), and check that a staff token is refused. Then the main pages
// at phone width (375 px) must not scroll sideways. Waits are on page state, never fixed sleeps.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedBulkRuns } from './demo-data.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, startDashboardRuntime, type DashboardRuntime } from './runtime-helpers.ts';
import { waitFor } from '../helpers/index.ts';

const available = chromiumAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error(`Chromium is required in CI but was not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
}
const skip = available ? false : `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package to run the browser test`;

describe('dashboard in Chromium', { skip, timeout: 180_000 }, () => {
  let app: DashboardRuntime;
  let browser: Browser;
  const problems: string[] = [];

  /** A browser context that records console errors, page errors and CSP violations. */
  async function newPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.on('console', (m) => {
      // A refused sign-in answers 401/403 and a deleted job's refresh 404, by design; the browser
      // logs those loads as errors.
      if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page };
  }

  /** A page signed in through the link `npm run token` prints, on the overview. */
  async function signedInPage(role: 'admin' | 'owner', options: Parameters<Browser['newContext']>[0] = {}) {
    const opened = await newPage(options);
    await opened.page.goto(await app.signInLink(role));
    await opened.page.waitForURL(`${app.url}/dashboard`);
    return opened;
  }

  before(async () => {
    // Enough history that exportRuns, 10 rows a chunk with 200 ms pauses, runs for about 8 s.
    app = await startDashboardRuntime({ seed: (db) => seedBulkRuns(db, 'history.sample', 400) });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('the issue scenario: sign in, run now, enqueue the long job, watch progress, cancel; staff refused', async () => {
    const { context, page } = await newPage();

    // Sign in through the link `npm run token` prints: the page reads #token=, clears it, submits.
    await page.goto(await app.signInLink('admin'));
    await page.waitForURL(`${app.url}/dashboard`);
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');

    // The scheduled jobs, with their cron in words.
    const scheduled = page.locator('#scheduled-jobs');
    for (const name of ['cleanupPreviewSessions', 'cleanupI18nCache', 'pruneHistory']) {
      await scheduled.locator(`tr[data-job="${name}"]`).waitFor();
    }
    assert.match(await scheduled.locator('tr[data-job="cleanupI18nCache"]').innerText(), /At 03:00/);

    // Run now: the run appears in "Recent runs" without the page reloading.
    await page.evaluate(`window.marker = 'no reload'`);
    await page.getByRole('button', { name: 'Run now: cleanupI18nCache' }).click();
    await page.locator('#recent-runs tr[data-job="cleanupI18nCache"]').waitFor();
    await page.locator('#flash').getByText('Started a run of cleanupI18nCache.').waitFor();
    await page.locator('#recent-runs tr[data-job="cleanupI18nCache"] [data-status="success"]').waitFor();

    // A run started elsewhere (the API) shows up too: the page follows the server by itself.
    const apiRun = await fetch(`${app.url}/api/jobs/run/pruneHistory?wait=false`, { method: 'POST', headers: { authorization: `Bearer ${await app.token('admin')}` } });
    assert.ok([200, 202].includes(apiRun.status));
    const { runId } = (await apiRun.json()) as { runId: string };
    await page.locator(`#recent-runs tr[data-run-id="${runId}"]`).waitFor();
    assert.equal(await page.evaluate('window.marker'), 'no reload');

    // Enqueue the long job from the browser.
    await page.locator('.page-actions').getByRole('link', { name: 'Enqueue a job' }).click();
    await page.getByLabel('Job type').selectOption('exportRuns');
    await page.getByLabel('Payload (JSON)').fill('{"chunkSize":10,"pauseMs":200}');
    await page.getByRole('button', { name: 'Enqueue job' }).click();
    await page.waitForURL(/\/dashboard\/queue\/[0-9a-f-]{36}$/);
    const jobId = page.url().split('/').pop()!;
    assert.equal((await app.runtime.queue.get(jobId))?.type, 'exportRuns');
    await page.locator('#flash').getByText('Enqueued exportRuns.').waitFor();

    // Its progress bar moves while we watch (no reload).
    await page.evaluate(`window.marker = 'still no reload'`);
    const percent = async () => Number(await page.evaluate(`document.getElementById('job-progress')?.value ?? 0`));
    // Functions, not strings: the page's CSP (no 'unsafe-eval') refuses string predicates.
    const progressAbove = (v: number) => ((globalThis as any).document.getElementById('job-progress')?.value ?? 0) > v;
    await page.waitForFunction(progressAbove, 0);
    const first = await percent();
    await page.waitForFunction(progressAbove, first);
    assert.ok((await percent()) > first);
    assert.ok((await percent()) < 100, 'still running when we cancel');
    assert.equal(await page.evaluate('window.marker'), 'still no reload');

    // Detail pages show the exact UTC time with the relative one after it.
    assert.match(await page.locator('#queue-job-facts time[data-rel="full"]').first().innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+ s ago|\d+ min ago)\)$/);

    // Cancel it through the confirmation dialog, by keyboard: "Keep it" has focus, Tab, Enter.
    await page.getByRole('button', { name: 'Cancel job' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate('document.activeElement?.textContent?.trim()'), 'Keep it');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent?.trim()'), 'Cancel job');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('#queue-job-head [data-status="cancelled"]').first().waitFor();
    await waitFor(async () => (await app.runtime.queue.get(jobId))?.status === 'cancelled', { what: 'the job to be cancelled' });
    // "Cancel requested: the job stops at its next check" is stale once the page shows it stopped.
    await page.locator('#flash').getByText('Cancel requested').waitFor({ state: 'detached' });
    await page.locator('#queue-job-head .outcome-note').getByText('Cancelled by an operator at').waitFor();
    assert.ok((await app.runtime.queue.get(jobId))!.progress.percent < 100);
    await context.close();

    // A staff token is refused with a page that says why; the dashboard stays closed.
    const staff = await newPage();
    await staff.page.goto(await app.signInLink('staff'));
    await staff.page.getByRole('heading', { name: 'The dashboard is for owners and admins' }).waitFor();
    await staff.page.goto(`${app.url}/dashboard`);
    await staff.page.waitForURL(/\/dashboard\/sign-in\?reason=required/);
    await staff.context.close();

    assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
  });

  test('when the session ends, a page that is open says so and links to sign in again', async () => {
    const { context, page } = await signedInPage('owner');
    await page.locator('#live-status[data-state="live"]').waitFor();
    const other = await context.newPage();
    await other.goto(`${app.url}/dashboard/queue`);
    await other.getByRole('button', { name: 'Sign out' }).click();
    await other.waitForURL(/\/dashboard\/sign-in\?reason=signed-out/);
    const banner = page.locator('#session-banner');
    // Sign-out removed the cookie from the browser: the open page's next refresh has none.
    await banner.getByText('Your session has ended (it expired, or you signed out in another tab), so this page stopped updating.').waitFor();
    await page.locator('#live-status[data-state="paused"]').waitFor();
    const link = banner.getByRole('link', { name: 'Sign in again' });
    assert.equal(await link.getAttribute('href'), '/dashboard/sign-in?reason=ended&next=%2Fdashboard');
    await link.click();
    await page.getByText('Your session ended. Sign in again to continue.').waitFor();
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('a queue job deleted while its page is open: the page says so and stops refreshing', async () => {
    const { context, page } = await signedInPage('admin');
    // Due next year, so no runner touches it while the page is open.
    const { job } = await app.runtime.queue.enqueue({ type: 'system.ping', payload: {}, runAt: Date.now() + 365 * 86_400_000 });
    await page.goto(`${app.url}/dashboard/queue/${job.id}`);
    await page.locator('#live-status[data-state="live"]').waitFor();
    app.runtime.db.prepare(`DELETE FROM nightshift_queue_jobs WHERE id = ?`).run(job.id);
    const banner = page.locator('#session-banner');
    await banner.getByText('This no longer exists on the server').waitFor();
    await page.locator('#live-status[data-state="paused"]').waitFor();
    assert.equal(await banner.getByRole('link', { name: 'Back to the overview' }).getAttribute('href'), '/dashboard');
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('keyboard focus on a link inside a live region stays there when the region refreshes', async () => {
    const { context, page } = await signedInPage('admin');
    const link = page.locator('#scheduled-jobs a.job-name', { hasText: 'cleanupPreviewSessions' });
    await link.focus();
    // A run started through the API changes the scheduled-jobs region (its "last run" cell).
    const res = await fetch(`${app.url}/api/jobs/run/cleanupPreviewSessions?wait=false`, { method: 'POST', headers: { authorization: `Bearer ${await app.token('admin')}` } });
    const { runId } = (await res.json()) as { runId: string };
    await page.locator(`#scheduled-jobs a[href="/dashboard/runs/${runId}"]`).waitFor();
    assert.equal(await page.evaluate('document.activeElement?.getAttribute("href")'), '/dashboard/jobs/cleanupPreviewSessions');
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('closing the cancel dialog after a refresh replaced its button gives focus back to the new button', async () => {
    const { context, page } = await signedInPage('admin');
    const job = (await app.runtime.queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10, pauseMs: 1000 } })).job;
    try {
      await page.goto(`${app.url}/dashboard/queue/${job.id}`);
      await page.locator('#cancel-button').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('dialog', { name: 'Cancel this job?' }).waitFor();
      // Progress moves, so the refresh replaces the region that holds the cancel button.
      const percentNow = await page.evaluate(`Number(document.getElementById('job-progress')?.value ?? -1)`);
      await page.waitForFunction((before) => Number((globalThis as any).document.getElementById('job-progress')?.value ?? -1) !== before, percentNow);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog', { name: 'Cancel this job?' }).waitFor({ state: 'hidden' });
      await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'cancel-button');
    } finally {
      await app.runtime.queue.cancel(job.id);
      await waitFor(async () => ['cancelled', 'completed'].includes((await app.runtime.queue.get(job.id))!.status), { what: 'the export to stop' });
    }
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('without JavaScript: paste the token, press Enter, read the pages, run a job with a plain form post', async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(`${app.url}/dashboard/runs`);
    await page.waitForURL(/\/dashboard\/sign-in\?reason=required&next=%2Fdashboard%2Fruns/);
    await page.getByLabel('Access token').fill(await app.token('admin'));
    await page.getByLabel('Access token').press('Enter'); // Enter signs in (no newline in a textarea)
    await page.waitForURL(`${app.url}/dashboard/runs`);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Run now: pruneHistory' }).click();
    await page.waitForURL(`${app.url}/dashboard`);
    await page.locator('#flash').getByText('Started a run of pruneHistory.').waitFor();
    // Cancel is a button whose form opens the confirmation page; confirming there cancels.
    const { job } = await app.runtime.queue.enqueue({ type: 'system.ping', runAt: Date.now() + 365 * 86_400_000 });
    await page.goto(`${app.url}/dashboard/queue/${job.id}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.waitForURL(new RegExp(`/dashboard/queue/${job.id}/cancel\\??$`));
    await page.getByRole('heading', { name: 'Cancel this job?' }).waitFor();
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.waitForURL(`${app.url}/dashboard/queue/${job.id}`);
    await page.locator('#flash').getByText('Job cancelled.').waitFor();
    assert.equal((await app.runtime.queue.get(job.id))!.status, 'cancelled');
    await context.close();
    assert.deepEqual(problems, []);
  });

  test('run history filters after "Last hour": time fields show the whole value, Apply and Clear side by side', async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
      const { context, page } = await signedInPage('admin', { viewport });
      await page.goto(`${app.url}/dashboard/runs`);
      await page.getByRole('link', { name: 'Last hour' }).click();
      const apply = await page.getByRole('button', { name: 'Apply filters' }).boundingBox();
      const clear = await page.getByRole('link', { name: 'Clear' }).boundingBox();
      assert.ok(apply && clear);
      assert.equal(clear.y, apply.y, `${viewport.width} px: Clear on the same row as Apply filters`);
      assert.ok(clear.x > apply.x + apply.width, `${viewport.width} px: Clear to the right of Apply filters`);
      // Each time field is at least as wide as the browser's own size for it (its whole value and
      // the picker icon): compared with a copy of it left at its natural width.
      const short = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        return [...doc.querySelectorAll('input[type="datetime-local"]')].flatMap((input: any) => {
          const natural = input.cloneNode();
          natural.removeAttribute('id');
          natural.style.width = 'auto';
          input.parentElement.append(natural);
          const need = natural.getBoundingClientRect().width;
          natural.remove();
          const has = input.getBoundingClientRect().width;
          return has + 0.5 < need ? [`${input.name}: ${has} px of ${need} px`] : [];
        });
      });
      assert.deepEqual(short, [], `${viewport.width} px: time fields too narrow`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.equal(overflow, 0);
      await context.close();
    }
    assert.deepEqual(problems, []);
  });

  test('at 375 px wide no page scrolls sideways', async () => {
    const { context, page } = await signedInPage('admin', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const job = (await app.runtime.queue.enqueue({ type: 'system.ping', tenantId: 'a-rather-long-tenant-identifier-for-narrow-screens' })).job;
    for (const path of ['/dashboard', '/dashboard/runs', '/dashboard/queue', '/dashboard/queue/new', `/dashboard/queue/${job.id}`, '/dashboard/jobs/cleanupPreviewSessions', '/dashboard/sign-in']) {
      await page.goto(`${app.url}${path}`);
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.equal(overflow, 0, `${path} overflows by ${overflow}px`);
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
});
