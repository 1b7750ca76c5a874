// Drift test 2: what the document says a request must look like is what the server enforces. For
// every documented body and query parameter, the test derives from the served document's JSON
// Schema (1) values that break one stated constraint each, which must get a 400 naming the field,
// and (2) the edge values the document allows (min, max, each enum value), which must not. The
// enqueue bodies are checked once per job type against that job's payload schema. Every answer
// also goes through the ContractChecker (documented status, body matching the definition).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bearer, tempDb, testApp, type TempDb, type TestApp } from '../helpers/index.ts';
import { bodyCases, concretePath, ContractChecker, edgeValues, invalidValues, operationsOf, resolve, sample, servedDocument, type Json, type Operation, type Schema } from './openapi-support.ts';

let t: TempDb;
let h: TestApp;
let doc: Json;
let operations: Operation[];
let checker: ContractChecker;
let admin: Record<string, string>;

before(async () => {
  t = tempDb();
  // Scheduler disabled: a valid trigger answers 503 JOBS_DISABLED instead of starting a thread.
  h = await testApp(t, { enabled: false });
  doc = await servedDocument(h.engine);
  operations = operationsOf(doc);
  checker = new ContractChecker(h.app, operations);
  admin = await bearer('admin');
});
after(() => t.cleanup());

const postJson = (op: Operation, body: unknown) =>
  checker.request(concretePath(op.template), { method: op.method, headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });

function assertRefused(res: { status: number; body: any }, field: string, what: string): void {
  assert.equal(res.status, 400, `${what}: expected 400, got ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.field, field, `${what}: the 400 names ${field}: ${JSON.stringify(res.body)}`);
}

describe('request bodies', () => {
  test('every documented body has an example that the server accepts', async () => {
    const withBody = operations.filter((o) => o.operation.requestBody);
    assert.ok(withBody.length >= 2, 'the bodies are documented (the two enqueue endpoints)');
    for (const op of withBody) {
      const media = op.operation.requestBody.content['application/json'];
      assert.ok(media.example, `${op.spec.operationId} has an example`);
      assert.ok(op.spec.body!.safeParse(media.example).success, `${op.spec.operationId}: the example passes the route's schema`);
      const res = await postJson(op, media.example);
      assert.ok(res.status < 300 || res.status === 503, `${op.spec.operationId}: example answered ${res.status} ${res.text}`);
    }
  });

  test('each constraint a body documents is enforced: a violation is 400 naming the field, an edge value passes', async (ctx) => {
    let checked = 0;
    for (const op of operations.filter((o) => o.operation.requestBody)) {
      const documented = resolve(doc, op.operation.requestBody.content['application/json'].schema);
      // Job-typed bodies: one variant per job type, each with that job's payload schema.
      const variants: Schema[] = documented.oneOf ?? [documented];
      for (const variant of variants) {
        // Idempotency keys are unique across job types: start each variant on an empty queue.
        t.db.exec('DELETE FROM nightshift_queue_jobs');
        const base = (documented.oneOf ? sample(variant, op.spec.operationId) : op.operation.requestBody.content['application/json'].example) as Json;
        const what = `${op.spec.operationId}${variant.title ? ` (${variant.title})` : ''}`;
        const valid = await postJson(op, base);
        assert.ok(valid.status < 300, `${what}: the valid base ${JSON.stringify(base)} answered ${valid.status} ${valid.text}`);
        for (const c of bodyCases(doc, variant, base)) {
          const res = await postJson(op, c.body);
          if (c.field) assertRefused(res, c.field, `${what}, ${c.why}`);
          else assert.ok(res.status < 300, `${what}, ${c.why}: must be accepted, got ${res.status} ${res.text}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 150, `checked ${checked} bodies`);
    ctx.diagnostic(`${checked} bodies checked`);
  });

  test('the enqueue bodies document every loaded job type with its own payload schema', () => {
    const types = h.queue.types.all().map((type) => type.name).sort();
    for (const operationId of ['enqueueJob', 'enqueueJobEnvelope']) {
      const op = operations.find((o) => o.spec.operationId === operationId)!;
      const variants = op.operation.requestBody.content['application/json'].schema.oneOf as Schema[];
      assert.deepEqual(variants.map((v) => v.title).sort(), types, operationId);
    }
    // A payload field documented for requests.reminder is the one its job file requires.
    const create = operations.find((o) => o.spec.operationId === 'enqueueJob')!;
    const reminder = create.operation.requestBody.content['application/json'].schema.oneOf.find((v: Schema) => v.title === 'requests.reminder');
    assert.deepEqual(reminder.properties.data.required, ['requestId']);
    assert.ok(reminder.required.includes('data'));
  });
});

describe('query parameters', () => {
  test('each constraint a query parameter documents is enforced: a violation is 400 naming it, an edge value passes', async (ctx) => {
    let checked = 0;
    for (const op of operations) {
      for (const parameter of (op.operation.parameters ?? []).filter((p: Json) => p.in === 'query')) {
        const schema = resolve(doc, parameter.schema);
        const url = (value: unknown) => `${concretePath(op.template)}?${new URLSearchParams({ [parameter.name]: String(value) })}`;
        const what = `${op.spec.operationId} ?${parameter.name}`;
        // In a URL everything is a string: "not a string" cannot be sent.
        const invalid = invalidValues(schema, what).filter((c) => !(schema.type === 'string' && c.why.startsWith('not string')));
        assert.ok(invalid.length > 0, `${what}: documents a constraint`);
        for (const { value, why } of invalid) {
          assertRefused(await checker.request(url(value), { method: op.method, headers: admin }), parameter.name, `${what}=${String(value).slice(0, 20)} (${why})`);
          checked++;
        }
        for (const { value, why } of edgeValues(schema)) {
          const res = await checker.request(url(value), { method: op.method, headers: admin });
          assert.ok(res.status !== 400, `${what}=${String(value).slice(0, 20)} (${why}) must pass: ${res.text}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 30, `checked ${checked} queries`);
    ctx.diagnostic(`${checked} query values checked`);
  });

  test('a documented default is the value the server uses when the parameter is absent', async () => {
    for (const op of operations) {
      for (const parameter of (op.operation.parameters ?? []).filter((p: Json) => p.in === 'query' && p.schema.default !== undefined)) {
        const parsed = op.spec.query!.parse({}) as Json;
        assert.equal(parsed[parameter.name], parameter.schema.default, `${op.spec.operationId} ?${parameter.name}`);
      }
    }
    // And the page size a client reads back is that default.
    const runs = await checker.request('/api/jobs/runs', { headers: admin });
    assert.equal(runs.body.limit, 50);
  });
});

test('path parameters state no constraint the server does not check (so no 400 is documented for them alone)', () => {
  for (const op of operations) {
    for (const parameter of (op.operation.parameters ?? []).filter((p: Json) => p.in === 'path')) {
      const { type, ...rest } = resolve(doc, parameter.schema);
      assert.equal(type, 'string', `${op.spec.operationId} {${parameter.name}}`);
      assert.deepEqual(rest, {}, `${op.spec.operationId} {${parameter.name}}: a constrained path parameter needs its 400 documented (error-codes.ts)`);
    }
  }
});
