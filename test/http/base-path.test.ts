// The base path a sub-app reads from where Hono mounted it (src/http/base-path.ts): at the root,
// under a prefix, nested, under a prefix with a parameter, and with a part of Nightshift's own
// layout ('/api') taken off.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { baseFromMount, basePathFromMount, type BasePathEnv } from '../../src/http/base-path.ts';

function reporter(options?: { below?: string }) {
  const sub = new Hono<BasePathEnv>();
  sub.use('*', basePathFromMount(options));
  sub.get('/', (c) => c.text(`[${c.get('basePath')}]`));
  sub.get('/runs/:id', (c) => c.text(`[${c.get('basePath')}]`));
  return sub;
}

const read = async (app: Hono, path: string) => (await app.request(path)).text();

describe('basePathFromMount', () => {
  test("'' at the root, the prefix elsewhere, never a trailing slash", async () => {
    assert.equal(await read(new Hono().route('/', reporter()), '/'), '[]');
    assert.equal(await read(new Hono().route('/', reporter()), '/runs/1'), '[]');
    assert.equal(await read(new Hono().route('/admin/jobs', reporter()), '/admin/jobs'), '[/admin/jobs]');
    assert.equal(await read(new Hono().route('/admin/jobs/', reporter()), '/admin/jobs/runs/1'), '[/admin/jobs]');
  });

  test('nested mounts add up, whatever the host runs before', async () => {
    const ns = new Hono().route('/', reporter());
    const host = new Hono();
    host.use('*', async (_c, next) => next());
    host.route('/admin/jobs', ns);
    assert.equal(await read(host, '/admin/jobs/runs/7'), '[/admin/jobs]');
    const deeper = new Hono().route('/a', new Hono().route('/b', new Hono().route('/jobs', reporter())));
    assert.equal(await read(deeper, '/a/b/jobs'), '[/a/b/jobs]');
    assert.equal(await read(new Hono().basePath('/x').route('/y', reporter()), '/x/y/runs/1'), '[/x/y]');
  });

  test("a prefix with a parameter gives the request's value", async () => {
    assert.equal(await read(new Hono().route('/t/:tenant/jobs', reporter()), '/t/acme/jobs/runs/3'), '[/t/acme/jobs]');
  });

  test('below: the docs mounted at <base>/api report <base>', async () => {
    assert.equal(await read(new Hono().route('/api', reporter({ below: '/api' })), '/api'), '[]');
    assert.equal(await read(new Hono().route('/admin/jobs/api', reporter({ below: '/api' })), '/admin/jobs/api'), '[/admin/jobs]');
    assert.equal(baseFromMount('/admin/jobs/', ''), '/admin/jobs');
    assert.equal(baseFromMount('/', '/api'), '');
  });
});
