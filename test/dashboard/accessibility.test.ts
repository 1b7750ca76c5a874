// An automated accessibility audit of every dashboard page with axe-core, in headless Chromium
// against a real runtime with demo data (the same set-up as browser.test.ts). Each page is audited
// at desktop width in the light and the dark colour scheme and at phone width (375 px), in the
// states that matter: a queue job running with progress, one that failed with an error log, one
// retried by hand, one cancelled, a cancelled run, a queue job type, the enqueue form with a validation error, the confirmation pages and dialog, the
// sign-in page (also with an error), the staff 403 page and a not-found page. Violations of impact
// "serious" or "critical" of the WCAG 2.1 A/AA rules fail the test; "moderate" and "minor" ones
// are printed, with what axe could not decide. Text contrast axe leaves undecided (over the page's
// gradient, in the chart's SVG) is measured here and held to the same 4.5:1.
// A second test walks the overview and a queue job page by keyboard alone (Tab, Shift-Tab, Enter,
// Escape) and checks that every interactive control is reached and shows a visible focus indicator.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { finishRun, openRun } from '../../src/store/sqlite/runs/ledger.ts';
import { DEMO_HISTORY, seedBulkRuns, seedRunHistory } from './demo-data.ts';
import { chromiumAvailable, CHROMIUM_PATH, launchChromium, startDashboardRuntime, type DashboardRuntime } from './runtime-helpers.ts';
import { waitFor } from '../helpers/index.ts';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING = new Set(['serious', 'critical']);
/** Why axe leaves a text contrast undecided, in the cases this test then measures itself. */
const MEASURED_HERE = ['bgGradient', 'imgNode', 'elmPartiallyObscured', 'shortTextContent'];

const available = chromiumAvailable();
if (!available && process.env.CI === 'true') {
  throw new Error(`Chromium is required in CI but was not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
}
const skip = available ? false : `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package to run the accessibility test`;

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Text contrast where axe gives up: text over the page's background gradient ("bgGradient"), text
 * inside the chart's SVG ("imgNode"), text partly scrolled out of a table's box at phone width
 * ("elmPartiallyObscured") and one-character text such as a count of 0 ("shortTextContent"). For
 * each element: its colour (SVG text: its fill) against the nearest
 * opaque background of an ancestor with any translucent ones above it composited on top, or, when
 * that is the page itself, against
 * every colour stop of the page's gradient and its base colour (luminance along a gradient lies
 * between its stops, so the worst case is a stop, as long as the text is darker or lighter than
 * all of them, which is checked). Plain JavaScript in a string: it runs in the page as written.
 */
const CONTRAST_WHERE_AXE_GAVE_UP = String.raw`(selectors) => {
  const parse = (text) => {
    const m = /rgba?\(([^)]+)\)/.exec(text || '');
    if (!m) return undefined;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const over = (fg, bg) => ({ r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1 });
  const results = [];
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) { results.push({ selector, problem: 'not found' }); continue; }
    const style = getComputedStyle(el);
    const fg = parse(el instanceof SVGElement ? style.fill : style.color);
    let backgrounds;
    let problem;
    const layers = []; // translucent backgrounds between the text and the first opaque one
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      const isPage = e === document.body || e === document.documentElement;
      if (cs.backgroundImage !== 'none' && !isPage) { problem = 'background image on ' + e.tagName; break; }
      const bg = parse(cs.backgroundColor);
      if (bg && bg.a === 1) {
        backgrounds = [bg];
        if (isPage) {
          const stops = (cs.backgroundImage.match(/rgba?\([^)]+\)/g) || []).map(parse);
          for (const stop of stops) backgrounds.push(over(stop, bg));
        }
        backgrounds = backgrounds.map((b) => layers.reduceRight((under, layer) => over(layer, under), b));
        break;
      }
      if (bg && bg.a > 0) layers.push(bg);
    }
    if (!fg || !backgrounds) { results.push({ selector, problem: problem || 'no opaque background' }); continue; }
    const lumas = backgrounds.map(luminance);
    const text = luminance(over(fg, backgrounds[0]));
    if (text > Math.min(...lumas) && text < Math.max(...lumas)) { results.push({ selector, problem: 'text colour inside the gradient range' }); continue; }
    const ratio = Math.min(...backgrounds.map((b) => { const l = [luminance(over(fg, b)), luminance(b)].sort((x, y) => y - x); return (l[0] + 0.05) / (l[1] + 0.05); }));
    results.push({ selector, ratio: Math.round(ratio * 100) / 100 });
  }
  return results;
}`;

interface AxeReport {
  violations: AxeViolation[];
  /** Rules axe could not decide for some elements ("needs review"), with how many. */
  incomplete: { id: string; count: number; targets: string[] }[];
  /** Elements whose contrast axe could not work out over a gradient or in SVG (CSS selectors). */
  contrastUndecided: string[];
  /** The lowest text contrast among the elements that passed color-contrast. */
  minContrast: { ratio: number; target: string } | undefined;
}

/** Runs axe-core on the page as it is now: WCAG 2.0/2.1 A and AA rules only. */
async function audit(page: Page): Promise<AxeReport> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async ({ tags, MEASURED_HERE }) => {
    const axe = (globalThis as any).axe;
    const result = await axe.run((globalThis as any).document, { runOnly: { type: 'tag', values: tags } });
    let minContrast: { ratio: number; target: string } | undefined;
    for (const rule of result.passes.filter((r: any) => r.id === 'color-contrast')) {
      for (const node of rule.nodes) {
        const ratio = node.any[0]?.data?.contrastRatio;
        if (typeof ratio === 'number' && ratio > 0 && (!minContrast || ratio < minContrast.ratio)) minContrast = { ratio, target: JSON.stringify(node.target) };
      }
    }
    return {
      violations: result.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n: any) => ({ target: n.target, html: n.html.slice(0, 200), failureSummary: n.failureSummary })),
      })),
      // What axe left undecided, less the contrasts this test measures itself (below).
      incomplete: result.incomplete
        .map((r: any) => ({ id: r.id, nodes: r.nodes.filter((n: any) => !(r.id === 'color-contrast' && MEASURED_HERE.includes(n.any[0]?.data?.messageKey))) }))
        .filter((r: any) => r.nodes.length > 0)
        .map((r: any) => ({
          id: r.id,
          count: r.nodes.length,
          targets: r.nodes.slice(0, 5).map((n: any) => `${JSON.stringify(n.target)}: ${[...n.any, ...n.all, ...n.none].map((c: any) => c.data?.messageKey ?? c.message).join(', ')}`),
        })),
      contrastUndecided: result.incomplete
        .filter((r: any) => r.id === 'color-contrast')
        .flatMap((r: any) => r.nodes)
        .filter((n: any) => MEASURED_HERE.includes(n.any[0]?.data?.messageKey) && n.target.length === 1)
        .map((n: any) => n.target[0]),
      minContrast,
    };
  }, { tags: WCAG_TAGS, MEASURED_HERE }) as Promise<AxeReport>;
}

function describeViolation(where: string, v: AxeViolation): string {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `    ${JSON.stringify(n.target)} ${n.html}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
    .join('\n');
  return `${where}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})\n${nodes}`;
}

describe('dashboard accessibility (axe-core, WCAG 2.1 A/AA)', { skip, timeout: 300_000 }, () => {
  let app: DashboardRuntime;
  let browser: Browser;
  /** Queue jobs in the states the pages must be audited in. */
  const jobs = { running: '', failed: '', retried: '', cancelled: '' };
  let failedRunId = '';
  let cancelledRunId = '';

  before(async () => {
    app = await startDashboardRuntime({
      seed: (db) => {
        seedRunHistory(db, DEMO_HISTORY);
        // Material for the export, so it stays running (with progress) for the whole audit.
        seedBulkRuns(db, 'system.ping', 400);
      },
    });
    browser = await launchChromium();
    const { queue, db } = app.runtime;
    failedRunId = (db.prepare(`SELECT id FROM nightshift_job_runs WHERE status = 'failed' LIMIT 1`).get() as { id: string }).id;
    // One worker: the quick jobs first, then the long export that holds it.
    jobs.failed = (await queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-404' }, tenantId: 'acme', actorId: 'ops@acme.test' })).job.id;
    jobs.retried = (await queue.enqueue({ type: 'requests.reminder', payload: { requestId: 'req-405' }, tenantId: 'acme' })).job.id;
    await queue.enqueue({ type: 'system.ping', tenantId: 'acme' });
    const failedOnce = async (id: string) => (await queue.get(id))!.status === 'failed';
    await waitFor(async () => (await failedOnce(jobs.failed)) && (await failedOnce(jobs.retried)), { timeoutMs: 30_000, what: 'the reminders to fail' });
    await queue.retry(jobs.retried);
    await waitFor(async () => {
      const job = (await queue.get(jobs.retried))!;
      return job.status === 'failed' && job.errorLog.length === 2;
    }, { timeoutMs: 30_000, what: 'the retried reminder to fail again' });
    // Cancelled by an operator, its thread terminated: a neutral note with the longer message.
    jobs.cancelled = (await queue.enqueue({ type: 'system.ping', runAt: Date.now() + 60 * 60_000 })).job.id;
    await queue.cancel(jobs.cancelled);
    db.prepare(`UPDATE nightshift_queue_jobs SET last_error = ? WHERE id = ?`).run('Cancelled; the handler did not stop within 500 ms, so its thread was terminated', jobs.cancelled);
    cancelledRunId = openRun(db, { name: 'cleanupPreviewSessions', trigger: 'manual', owner: 'demo', now: Date.now() - 60_000 });
    finishRun(db, cancelledRunId, { status: 'cancelled', error: 'Cancelled', now: Date.now() - 58_000 });
    // 40 chunks 5 s apart: running for minutes, with progress after its first chunk.
    jobs.running = (await queue.enqueue({ type: 'exportRuns', payload: { chunkSize: 10, pauseMs: 5000 }, tenantId: 'acme', actorId: 'ops@acme.test' })).job.id;
    await waitFor(async () => (await queue.get(jobs.running))!.progress.percent > 0, { timeoutMs: 30_000, what: 'the export to make progress' });
  });

  after(async () => {
    if (app && jobs.running) await app.runtime.queue.cancel(jobs.running);
    await browser?.close();
    await app?.stop();
  });

  /**
   * Audits every page in one browser context. `bypassCSP` is for this audit context only: the
   * dashboard's CSP (script-src 'self') would refuse axe-core, which addScriptTag injects as an
   * inline script. The pages' own scripts and styles load exactly as they do without it.
   */
  async function auditEveryPage(t: TestContext, label: string, options: BrowserContextOptions) {
    const context = await browser.newContext({ ...options, bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const blocking: string[] = [];
    const advisory: string[] = [];
    const review: string[] = [];
    let lowest: { ratio: number; where: string } | undefined;
    let audited = 0;
    let checkedByUs = 0;
    const check = async (name: string) => {
      await page.waitForLoadState('load');
      const report = await audit(page);
      audited += 1;
      for (const v of report.violations) {
        (v.impact && BLOCKING.has(v.impact) ? blocking : advisory).push(describeViolation(`${label}, ${name}`, v));
      }
      const measured = (await page.evaluate(`(${CONTRAST_WHERE_AXE_GAVE_UP})(${JSON.stringify(report.contrastUndecided)})`)) as { selector: string; ratio?: number; problem?: string }[];
      for (const m of measured) {
        if (m.ratio === undefined) review.push(`${name}: contrast of ${m.selector} not measured (${m.problem})`);
        else if (m.ratio < 4.5) blocking.push(`${label}, ${name}: [serious] color-contrast over the page gradient or in the chart: ${m.selector} ${m.ratio}:1 (needs 4.5:1)`);
        if (m.ratio !== undefined && (!lowest || m.ratio < lowest.ratio)) lowest = { ratio: m.ratio, where: `${name} ${m.selector} (measured by this test)` };
      }
      checkedByUs += measured.filter((m) => m.ratio !== undefined).length;
      if (report.incomplete.length) review.push(`${name}: ${report.incomplete.map((r) => `${r.id} (${r.count}) ${r.targets.join('; ')}`).join(' | ')}`);
      if (report.minContrast && (!lowest || report.minContrast.ratio < lowest.ratio)) {
        lowest = { ratio: report.minContrast.ratio, where: `${name} ${report.minContrast.target}` };
      }
    };
    const visit = async (name: string, path: string) => {
      await page.goto(`${app.url}${path}`);
      await check(name);
    };

    // Before signing in: the sign-in page, with an error, and the staff refusal.
    await visit('sign-in', '/dashboard/sign-in');
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByLabel('Access token').press('Enter');
    await page.locator('#token-error').waitFor();
    await check('sign-in with an error');
    await page.goto(await app.signInLink('staff'));
    await page.getByRole('heading', { name: 'The dashboard is for owners and admins' }).waitFor();
    await check('staff 403');

    // From /dashboard/sign-in, a link to the same page differing only in #token= would not load it.
    await page.goto('about:blank');
    await page.goto(await app.signInLink('admin'));
    await page.waitForURL(`${app.url}/dashboard`);
    await check('overview');
    await visit('runs, filtered', '/dashboard/runs?job=cleanupPreviewSessions&status=failed');
    await visit('runs, filtered by time', `/dashboard/runs?from=${new Date(Date.now() - 3_600_000).toISOString().slice(0, 16)}`);
    await visit('run detail (failed)', `/dashboard/runs/${failedRunId}`);
    await visit('run detail (cancelled)', `/dashboard/runs/${cancelledRunId}`);
    await visit('job page', '/dashboard/jobs/cleanupPreviewSessions');
    await visit('job page, queue type with few runs', '/dashboard/jobs/requests.reminder');
    await visit('queue list', '/dashboard/queue');
    await visit('queue list, failed', '/dashboard/queue?status=failed');
    await visit('queue job, running with progress', `/dashboard/queue/${jobs.running}`);
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await page.getByRole('dialog', { name: 'Cancel this job?' }).waitFor();
    await check('queue job, cancel dialog open');
    await page.keyboard.press('Escape');
    await visit('queue job, cancelled', `/dashboard/queue/${jobs.cancelled}`);
    await visit('queue job, failed with error log', `/dashboard/queue/${jobs.failed}`);
    await visit('queue job, retried by hand', `/dashboard/queue/${jobs.retried}`);
    await visit('cancel confirmation page', `/dashboard/queue/${jobs.running}/cancel`);
    await visit('retry confirmation page', `/dashboard/queue/${jobs.failed}/retry`);
    await visit('enqueue form', '/dashboard/queue/new');
    await page.getByLabel('Job type').selectOption('exportRuns');
    await page.getByLabel('Payload (JSON)').fill('{"chunkSize": 1}');
    await page.getByRole('button', { name: 'Enqueue job' }).click();
    await page.locator('#error-summary').waitFor();
    await check('enqueue form with a validation error');
    await visit('not found page', '/dashboard/queue/no-such-job');
    await context.close();

    t.diagnostic(`${label}: ${audited} page states audited; ${checkedByUs} text contrasts axe left undecided measured here; lowest text contrast ${lowest?.ratio}:1 (${lowest?.where})`);
    for (const line of advisory) t.diagnostic(`moderate/minor (not failing): ${line}`);
    for (const line of review) t.diagnostic(`${label}, axe could not decide (needs review): ${line}`);
    assert.deepEqual(pageErrors, [], 'no page errors');
    assert.equal(blocking.length, 0, `serious or critical WCAG 2.1 A/AA violations:\n${blocking.join('\n')}`);
  }

  /**
   * Tabs through the page from the top until focus comes round again, then Shift-Tabs back. Every
   * visible interactive control must be reached, in the same order both ways, and look different
   * when focused (its computed outline or box-shadow changes). Runs in a context without
   * bypassCSP: this is the page exactly as shipped.
   */
  async function walkByKeyboard(page: Page, where: string) {
    // A control's identity is its path in the DOM, so it survives a live refresh re-rendering it.
    // (No named functions inside evaluate: tsx would wrap them in a helper the page lacks.)
    const controls = () =>
      page.evaluate(() => {
        const doc = (globalThis as any).document;
        const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
        return [...doc.querySelectorAll(selector)]
          .filter((el: any) => !el.disabled && el.getClientRects().length > 0 && (globalThis as any).getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]'))
          .map((el: any) => {
            const parts: string[] = [];
            for (let e = el; e && e !== doc.body; e = e.parentElement) parts.unshift(`${e.tagName.toLowerCase()}:${[...e.parentElement.children].indexOf(e)}`);
            const style = (globalThis as any).getComputedStyle(el);
            const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 50) || el.tagName;
            return { path: parts.join('/'), name, rest: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} | ${style.boxShadow}` };
          });
      });
    const focused = () =>
      page.evaluate(() => {
        const doc = (globalThis as any).document;
        const el = doc.activeElement;
        if (!el || el === doc.body) return undefined;
        const parts: string[] = [];
        for (let e = el; e && e !== doc.body; e = e.parentElement) parts.unshift(`${e.tagName.toLowerCase()}:${[...e.parentElement.children].indexOf(e)}`);
        const style = (globalThis as any).getComputedStyle(el);
        const drawn = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        return { path: parts.join('/'), now: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} | ${style.boxShadow}`, drawn };
      });

    const expected = await controls();
    const restOf = new Map(expected.map((c) => [c.path, c.rest]));
    const nameOf = new Map(expected.map((c) => [c.path, c.name]));
    const forward: string[] = [];
    const noIndicator: string[] = [];
    await page.locator('body').focus();
    for (let i = 0; i < expected.length + 5; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (!f) continue; // past the last control, focus leaves the document once
      if (forward[0] === f.path) break; // round again
      forward.push(f.path);
      if (!f.drawn || f.now === restOf.get(f.path)) noIndicator.push(`${nameOf.get(f.path) ?? f.path} (${f.now})`);
    }
    const missed = expected.filter((c) => !forward.includes(c.path)).map((c) => c.name);
    assert.deepEqual(missed, [], `${where}: controls Tab never reached`);
    assert.deepEqual(noIndicator, [], `${where}: controls without a visible focus indicator`);

    // Focus is on the first control again. Shift-Tab leaves the document once, then comes back
    // in at the last control: the same stops, in reverse.
    const backward: string[] = [];
    for (let i = 0; i < forward.length + 5 && backward.length < forward.length; i++) {
      await page.keyboard.press('Shift+Tab');
      const f = await focused();
      if (f) backward.push(f.path);
    }
    assert.deepEqual(backward, [...forward].reverse(), `${where}: Shift-Tab visits the same controls in reverse`);
    return forward.map((path) => nameOf.get(path) ?? path);
  }

  test('by keyboard alone: every control on the overview and a queue job page is reached, with a visible focus indicator', async (t) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(await app.signInLink('admin'));
    await page.waitForURL(`${app.url}/dashboard`);
    const overview = await walkByKeyboard(page, 'overview');
    t.diagnostic(`overview: ${overview.length} tab stops`);

    await page.goto(`${app.url}/dashboard/queue/${jobs.running}`);
    const queueJob = await walkByKeyboard(page, 'queue job');
    t.diagnostic(`queue job: ${queueJob.length} tab stops`);
    // Enter on "Cancel job" opens the dialog with focus on the safe choice; Escape closes it and
    // gives focus back to the button; the job keeps running.
    await page.locator('#cancel-button').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Cancel this job?' });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent?.trim()), 'Keep it');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => (globalThis as any).document.activeElement?.id), 'cancel-button');
    assert.equal((await app.runtime.queue.get(jobs.running))!.status, 'processing');
    await context.close();
  });

  test('desktop, light colour scheme: no serious or critical violations on any page', (t) =>
    auditEveryPage(t, 'desktop light', { viewport: { width: 1280, height: 900 }, colorScheme: 'light' }));

  test('desktop, dark colour scheme: no serious or critical violations on any page', (t) =>
    auditEveryPage(t, 'desktop dark', { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' }));

  test('phone width (375 px): no serious or critical violations on any page', (t) =>
    auditEveryPage(t, '375 px', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'light' }));
});
