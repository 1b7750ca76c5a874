// The served OpenAPI document: structurally valid 3.1, and in step with the app (drift test 1):
// every route the app registers under /api is documented and every documented operation is served,
// and the access rule each operation states (public, signed-in, owner/admin) is what the app enforces.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openApiPath } from '../../src/http/openapi/document.ts';
import { ERROR_CODES } from '../../src/http/openapi/error-codes.ts';
import { bearer, REPO_ROOT, tempDb, testApp, TEST_SECRET, type TempDb, type TestApp } from '../helpers/index.ts';
import { concretePath, operationsOf, servedDocument, type Json, type Operation } from './openapi-support.ts';

let t: TempDb;
let h: TestApp;
let doc: Json;
let operations: Operation[];

before(async () => {
  t = tempDb();
  h = await testApp(t, { enabled: false });
  doc = await servedDocument(h.engine);
  operations = operationsOf(doc);
});
after(() => t.cleanup());

/** Every `$ref` in the document, with where it sits. */
function refsIn(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}/${i}`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [{ ref: v, at }] : refsIn(v, `${at}/${key}`)));
}

const pointer = (ref: string) =>
  ref
    .slice(2)
    .split('/')
    .reduce((node: any, key) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

describe('structure', () => {
  test('OpenAPI 3.1.0 with info, tags, paths and components', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Nightshift API');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    assert.ok(doc.info.description.includes('/dashboard'), 'the introduction points at the dashboard');
    for (const code of Object.keys(ERROR_CODES)) assert.ok(doc.info.description.includes(`\`${code}\``), `the introduction lists ${code}`);
    assert.ok(Object.keys(doc.paths).length >= 14);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearerJwt', 'metricsToken']);
    assert.deepEqual(doc.components.securitySchemes.bearerJwt, { ...doc.components.securitySchemes.bearerJwt, type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  test('every operation has a unique operationId, a summary, declared tags, responses and a security requirement', () => {
    const ids = operations.map((o) => o.operation.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    const tags = new Set((doc.tags as Json[]).map((tag) => tag.name));
    for (const { method, template, operation } of operations) {
      const what = `${method} ${template}`;
      assert.ok(['GET', 'POST', 'DELETE'].includes(method), what);
      assert.ok(operation.summary, `${what}: summary`);
      for (const tag of operation.tags) assert.ok(tags.has(tag), `${what}: tag ${tag} is declared`);
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.some((s) => s.startsWith('2')), `${what}: a success response`);
      for (const status of statuses) {
        assert.match(status, /^[1-5]\d\d$/, `${what}: status ${status}`);
        assert.ok(operation.responses[status].description, `${what} ${status}: description`);
      }
      assert.ok(Array.isArray(operation.security), `${what}: security stated (an empty list means public)`);
      for (const requirement of operation.security) for (const scheme of Object.keys(requirement)) assert.ok(doc.components.securitySchemes[scheme], `${what}: ${scheme}`);
    }
  });

  test('path templates and path parameters agree', () => {
    for (const { template, operation } of operations) {
      const inTemplate = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name).sort();
      assert.deepEqual(declared, inTemplate, template);
      for (const p of operation.parameters ?? []) assert.ok(p.schema, `${template} ${p.name}: schema`);
    }
  });

  test('every $ref resolves, and every named schema is used', () => {
    const refs = refsIn(doc);
    assert.ok(refs.length > 50);
    for (const { ref, at } of refs) {
      assert.match(ref, /^#\/components\/(schemas|headers)\//, `${at}: local component ref`);
      assert.ok(pointer(ref) !== undefined, `${at}: ${ref} resolves`);
    }
    const used = new Set(refs.map((r) => r.ref));
    for (const name of Object.keys(doc.components.schemas)) assert.ok(used.has(`#/components/schemas/${name}`), `${name} is referenced`);
  });

  test('error responses list their codes, and every code is in the catalogue', () => {
    for (const { template, operation, spec } of operations) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        // Health's 503 is its normal body (status "degraded"), not an error body.
        if (Number(status) < 400 || spec.responses[Number(status)]) continue;
        const schema = response.content?.['application/json']?.schema;
        if (!schema) continue;
        const codes: string[] = pointer(schema.$ref)?.properties?.code?.enum ?? [];
        assert.ok(codes.length, `${template} ${status}: code enum`);
        for (const code of codes) assert.ok(code in ERROR_CODES, code);
      }
    }
  });

  test('the document holds no secret and needs no token', async () => {
    const res = await h.engine.request('/api/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const text = await res.text();
    assert.ok(!text.includes(TEST_SECRET));
    assert.doesNotMatch(text, /eyJ[\w-]+\.eyJ/, 'no JWT');
  });
});

describe('the document and the app agree', () => {
  test('every route the app registers under /api is documented, and every documented operation is served', () => {
    // app.routes lists handlers and middleware; middleware (app.use) is registered as ALL.
    const served = new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${openApiPath(r.path)}`));
    const documented = new Set(operations.map((o) => `${o.method} ${o.template}`));
    const servedApi = [...served].filter((r) => r.split(' ')[1]!.startsWith('/api'));
    assert.ok(servedApi.length >= 14);
    assert.deepEqual(servedApi.filter((r) => !documented.has(r)), [], 'served but not documented');
    assert.deepEqual([...documented].filter((r) => !served.has(r)), [], 'documented but not served');
  });

  test('each operation is enforced as documented: public needs no token, others 401 without one, owner/admin ones 403 for staff', async () => {
    const staff = await bearer('staff');
    for (const { method, template, operation } of operations) {
      const what = `${method} ${template}`;
      const path = concretePath(template, { name: 'cleanupPreviewSessions', file: 'docs.js' });
      const roles: string[] = operation.security[0]?.bearerJwt ?? [];
      const anonymous = await h.app.request(path, { method });
      const asStaff = await h.app.request(path, { method, headers: staff });
      if (operation.security.length === 0) {
        assert.ok(![401, 403].includes(anonymous.status), `${what} is public: ${anonymous.status}`);
        continue;
      }
      assert.equal(anonymous.status, 401, `${what} without a token`);
      assert.ok(operation.responses['401'], `${what}: 401 documented`);
      if (roles.includes('staff')) assert.ok(![401, 403].includes(asStaff.status), `${what} is open to staff: ${asStaff.status}`);
      else {
        assert.equal(asStaff.status, 403, `${what} as staff`);
        assert.ok(operation.responses['403'], `${what}: 403 documented`);
      }
      assert.ok(operation.description.includes('**Access:**'), `${what}: access in words`);
    }
  });

  test('the document follows the job files the app loaded', async () => {
    const other = tempDb();
    try {
      const fixture = await testApp(other, { enabled: false, jobsDir: join(REPO_ROOT, 'test', 'fixtures', 'http-queue-jobs') });
      const fixtureDoc = await servedDocument(fixture.app);
      const variants = fixtureDoc.paths['/api/v1/jobs'].post.requestBody.content['application/json'].schema.oneOf as Json[];
      assert.deepEqual(variants.map((v) => v.title).sort(), fixture.queue.types.all().map((type) => type.name).sort());
      assert.notDeepEqual(variants.map((v) => v.title).sort(), (doc.paths['/api/v1/jobs'].post.requestBody.content['application/json'].schema.oneOf as Json[]).map((v) => v.title).sort());
    } finally {
      other.cleanup();
    }
  });
});
