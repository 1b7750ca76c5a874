// The docs page at /api/docs: Swagger UI served from this server (never a CDN), no inline script so
// a strict Content-Security-Policy holds, assets with the right types and cache headers. The last
// test renders it in headless Chromium on 127.0.0.1 and checks it shows every operation, runs a
// request, breaks no CSP rule and asks nothing of any other host.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { serve, type ServerType } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { DOCS_CSP } from '../../src/http/openapi/docs-page.ts';
import { tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';
import { operationsOf, servedDocument } from './openapi-support.ts';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: TempDb;
let h: TestApp;
let html: string;
let res: Response;

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false });
  res = await h.engine.request('/api/docs');
  html = await res.text();
});
after(() => t.cleanup());

/** Every src/href of the page. */
const references = () => [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

describe('the page', () => {
  test('is public HTML with a strict CSP and no inline script', () => {
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(res.headers.get('content-security-policy'), DOCS_CSP);
    assert.match(DOCS_CSP, /script-src 'self'(;|$)/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 2);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes!, /src="\/api\/docs\/assets\//, 'scripts are files from this server');
      assert.equal(body!.trim(), '', 'no inline script');
    }
    assert.doesNotMatch(html, /\son\w+=/i, 'no inline event handler');
    assert.match(html, /data-spec-url="\/api\/openapi\.json"/);
  });

  test('references only this server: every asset answers 200 with its content type and a year of cache', async () => {
    const refs = references();
    assert.ok(refs.length >= 6);
    for (const ref of refs) {
      assert.match(ref, /^\//, `${ref} is on this server`);
      if (ref.startsWith('/api/openapi.json')) continue;
      const asset = await h.engine.request(ref);
      assert.equal(asset.status, 200, ref);
      const expected = ref.includes('.css') ? 'text/css' : ref.includes('.js') ? 'text/javascript' : 'image/png';
      assert.ok(asset.headers.get('content-type')?.startsWith(expected), `${ref}: ${asset.headers.get('content-type')}`);
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', ref);
      assert.equal(asset.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(asset.headers.get('etag'), ref);
      assert.ok((await asset.arrayBuffer()).byteLength > 0, ref);
    }
  });

  test('the bundle is the installed swagger-ui-dist (5.x), gzipped on request; the initializer is ours', async () => {
    const installed = JSON.parse(readFileSync(join(SWAGGER_DIR, 'package.json'), 'utf8')) as { version: string };
    assert.match(installed.version, /^5\./);
    const plain = await h.engine.request('/api/docs/assets/swagger-ui-bundle.js');
    const original = readFileSync(join(SWAGGER_DIR, 'swagger-ui-bundle.js'));
    assert.ok(Buffer.from(await plain.arrayBuffer()).equals(original));
    const gzipped = await h.engine.request('/api/docs/assets/swagger-ui-bundle.js', { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gzipped.headers.get('content-encoding'), 'gzip');
    assert.equal(gzipped.headers.get('vary'), 'accept-encoding');
    const compressed = Buffer.from(await gzipped.arrayBuffer());
    assert.ok(compressed.length < original.length / 2, `${compressed.length} bytes gzipped of ${original.length}`);
    assert.ok(gunzipSync(compressed).equals(original));
    const init = await (await h.engine.request('/api/docs/assets/docs.js')).text();
    assert.match(init, /SwaggerUIBundle\(/);
    assert.match(init, /validatorUrl: null/, 'the document is never sent to validator.swagger.io');
  });

  test('caching: without the current version an asset is revalidated, and a matching ETag is 304', async () => {
    const unversioned = await h.engine.request('/api/docs/assets/swagger-ui.css');
    assert.equal(unversioned.headers.get('cache-control'), 'public, max-age=0, must-revalidate');
    const etag = unversioned.headers.get('etag')!;
    const again = await h.engine.request('/api/docs/assets/swagger-ui.css', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    const changed = await h.engine.request('/api/docs/assets/swagger-ui.css', { headers: { 'if-none-match': '"other"' } });
    assert.equal(changed.status, 200);
  });

  test('only the listed files are served: anything else is 404 JSON', async () => {
    for (const path of ['/api/docs/assets/package.json', '/api/docs/assets/..%2F..%2Fpackage.json', '/api/docs/assets/swagger-ui.js.map', '/api/docs/assets/index.html', '/api/docs/assets/%2e%2e']) {
      const r = await h.engine.request(path);
      assert.equal(r.status, 404, path);
      assert.equal(((await r.json()) as { code: string }).code, 'NOT_FOUND', path);
    }
  });
});

test('in headless Chromium the page renders every operation and runs a request, with no CSP violation and no other host contacted', { skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}` }, async () => {
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: h.engine.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(base)) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    await page.goto(`${base}/api/docs`);
    await page.locator('.info .title').filter({ hasText: 'Nightshift API' }).waitFor({ timeout: 20_000 });
    const documented = operationsOf(await servedDocument(h.engine)).length;
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('.opblock').length >= n, documented, { timeout: 10_000 });
    assert.equal(await page.locator('.opblock').count(), documented);
    assert.ok(await page.locator('.btn.authorize').isVisible(), 'the Authorize button (bearer JWT)');

    // Try it out on the public health check: the request goes to this server and its answer shows.
    const health = page.locator('#operations-Health-getHealth');
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    await health.locator('.live-responses-table .response-col_status').filter({ hasText: '200' }).waitFor({ timeout: 10_000 });

    assert.deepEqual(problems, [], 'console errors (a CSP violation is one)');
    assert.deepEqual(elsewhere, [], 'requests to other hosts');
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
