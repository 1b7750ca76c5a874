// Helpers for the OpenAPI drift tests: read the served document, match requests to its operations,
// check real responses against the definitions, and derive valid and invalid values from the
// document's JSON Schemas (so a constraint the document states is a constraint the tests send).
import assert from 'node:assert/strict';
import type { RouteSpec } from '../../src/http/openapi/define.ts';
import { API_ROUTES } from '../../src/http/openapi/catalog.ts';
import { APP_ROUTES } from '../../src/app/routes/index.ts';
import { errorCodesOf } from '../../src/http/openapi/define.ts';
import { errorSchemaFor } from '../../src/http/openapi/error-codes.ts';
import type { App } from '../../src/http/app.ts';

export type Json = Record<string, any>;
export type Schema = Record<string, any>;

export interface Operation {
  method: string;
  /** OpenAPI template: /api/jobs/runs/{id} */
  template: string;
  operation: Json;
  spec: RouteSpec;
}

export async function servedDocument(app: App): Promise<Json> {
  const res = await app.request('/api/openapi.json');
  assert.equal(res.status, 200);
  return (await res.json()) as Json;
}

export function operationsOf(doc: Json): Operation[] {
  const list: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) {
      const spec = [...API_ROUTES, ...APP_ROUTES].find((r) => r.operationId === operation.operationId);
      assert.ok(spec, `${operation.operationId} has a definition`);
      list.push({ method: method.toUpperCase(), template, operation, spec });
    }
  }
  return list;
}

/** A concrete path for a template: each {param} becomes `values[param]` or "sample-param". */
export const concretePath = (template: string, values: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `sample-${name}`));

export function resolve(doc: Json, schema: Schema): Schema {
  let current = schema;
  while (typeof current?.$ref === 'string') {
    const target = current.$ref.replace(/^#\//, '').split('/').reduce((node: any, key: string) => node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    assert.ok(target, `$ref ${current.$ref} resolves`);
    current = target;
  }
  return current;
}

// ---- Checking real responses against the definitions --------------------------------------

function matchOperation(operations: Operation[], method: string, path: string): Operation | undefined {
  const pathname = path.split('?')[0]!;
  return operations.find(
    (o) => o.method === method && new RegExp(`^${o.template.replace(/\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(pathname),
  );
}

export interface Checked {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/**
 * Sends requests through the app and checks each answer against the document: the status is
 * documented for the operation, the content type matches, the x-trace-id header is there, and a
 * JSON body parses with the definition's zod schema (strict: no undocumented field). Records what
 * it saw, so a test can ask which documented answers were never produced.
 */
export class ContractChecker {
  constructor(
    readonly app: App,
    readonly operations: Operation[],
    /** Shared by the checkers of several apps when a test needs more than one. */
    readonly seen = new Set<string>(),
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Checked> {
    const method = (init.method ?? 'GET').toUpperCase();
    const res = await this.app.request(path, init);
    const text = await res.text();
    const what = `${method} ${path.slice(0, 80)} -> ${res.status}`;
    const op = matchOperation(this.operations, method, path);
    assert.ok(op, `${what}: no documented operation`);
    const documented = op.operation.responses[String(res.status)];
    assert.ok(documented, `${what}: status not documented for ${op.spec.operationId}: ${text.slice(0, 200)}`);
    assert.ok(res.headers.get('x-trace-id'), `${what}: x-trace-id header`);

    const type = res.headers.get('content-type') ?? '';
    const success = op.spec.responses[res.status];
    const codes = errorCodesOf(op.spec).get(res.status);
    let body: any;
    if (success && !success.schema) {
      const types = [success.contentType ?? []].flat();
      if (types.length) assert.ok(types.some((t) => type.startsWith(t)), `${what}: content type ${type}, documented ${types.join(', ')}`);
      else assert.equal(text, '', `${what}: documented without a body`);
    } else {
      assert.match(type, /^application\/json\b/, `${what}: JSON content type`);
      body = JSON.parse(text);
      const schema = success?.schema ?? errorSchemaFor(codes!);
      const parsed = schema.safeParse(body);
      assert.ok(parsed.success, `${what}: body does not match the definition: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}\n${text.slice(0, 500)}`);
    }
    this.seen.add(`${op.spec.operationId} ${res.status}${codes && body ? ` ${body.code}` : ''}`);
    return { status: res.status, body, text, headers: res.headers };
  }

  /** Every answer the document promises, as "operationId status [code]". */
  static promised(operations: Operation[]): string[] {
    return operations.flatMap(({ spec }) => [
      ...Object.keys(spec.responses).map((status) => `${spec.operationId} ${status}`),
      ...[...errorCodesOf(spec)].flatMap(([status, codes]) => codes.map((code) => `${spec.operationId} ${status} ${code}`)),
    ]);
  }
}

// ---- Values derived from a JSON Schema -----------------------------------------------------

/** Keywords the generators below understand; any other one fails the test, so none is skipped. */
const KNOWN = new Set([
  'type', 'properties', 'required', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum',
  'format', 'maxProperties', 'default', 'description', 'title', 'examples', 'additionalProperties', 'items', 'minItems',
]);

function checkKnown(schema: Schema, where: string): void {
  for (const key of Object.keys(schema)) assert.ok(KNOWN.has(key), `${where}: the drift test does not understand "${key}" yet`);
  if (schema.format !== undefined) assert.equal(schema.format, 'date-time', `${where}: format ${schema.format}`);
}

const typesOf = (schema: Schema): string[] => [schema.type ?? []].flat();
const DAY = 86_400_000;

// Strings of a given length that differ from one call to the next, so two samples never collide
// where uniqueness matters (an idempotency key reused for another job type is a 409).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
let strings = 0;
function text(length: number): string {
  let id = '';
  for (let n = strings++; id.length < 4; n = Math.floor(n / ALPHABET.length)) id += ALPHABET[n % ALPHABET.length];
  return id.slice(0, length).padEnd(length, 'x');
}

/** A value that satisfies `schema` (the smallest reasonable one). */
export function sample(schema: Schema, where = 'schema'): unknown {
  checkKnown(schema, where);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if (schema.enum) return schema.enum[0];
  switch (typesOf(schema)[0]) {
    case 'string':
      return schema.format === 'date-time' ? new Date(Date.now() + DAY).toISOString() : text(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return Math.min(Math.max(0, schema.minimum ?? 0), schema.maximum ?? Infinity);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, `${where}[]`));
    case 'object': {
      const value: Json = {};
      for (const name of schema.required ?? []) value[name] = sample(schema.properties[name], `${where}.${name}`);
      return value;
    }
    default:
      return 'anything';
  }
}

/** Values at the edges of what `schema` allows (each must be accepted). */
export function edgeValues(schema: Schema): { value: unknown; why: string }[] {
  const cases: { value: unknown; why: string }[] = [];
  const types = typesOf(schema);
  if (schema.enum) for (const value of schema.enum) cases.push({ value, why: `enum value ${value}` });
  if (types.includes('string') && !schema.enum && !schema.const && !schema.format) {
    if (schema.minLength !== undefined) cases.push({ value: text(schema.minLength), why: `minLength ${schema.minLength}` });
    if (schema.maxLength !== undefined) cases.push({ value: text(schema.maxLength), why: `maxLength ${schema.maxLength}` });
  }
  if (types.includes('integer') || types.includes('number')) {
    if (schema.minimum !== undefined) cases.push({ value: schema.minimum, why: `minimum ${schema.minimum}` });
    if (schema.maximum !== undefined) cases.push({ value: schema.maximum, why: `maximum ${schema.maximum}` });
  }
  return cases;
}

const jsonType = (v: unknown) =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v === 'number' ? 'number' : typeof v;
const allowsType = (types: string[], v: unknown) => types.includes(jsonType(v)) || (jsonType(v) === 'integer' && types.includes('number'));

/** Values that break one stated constraint of `schema` each (each must be refused). */
export function invalidValues(schema: Schema, where = 'schema'): { value: unknown; why: string }[] {
  checkKnown(schema, where);
  const cases: { value: unknown; why: string }[] = [];
  const types = typesOf(schema);
  if (types.length) {
    const wrong = ['text', 12.5, true, [1], null, { a: 1 }].find((v) => !allowsType(types, v));
    if (wrong !== undefined) cases.push({ value: wrong, why: `not ${types.join('|')}` });
  }
  if (schema.const !== undefined) cases.push({ value: `${schema.const}-other`, why: 'not the const' });
  if (schema.enum) cases.push({ value: 'not-in-the-enum', why: 'not in enum' });
  if (schema.minLength) cases.push({ value: 'x'.repeat(schema.minLength - 1), why: `shorter than ${schema.minLength}` });
  if (schema.maxLength !== undefined) cases.push({ value: 'x'.repeat(schema.maxLength + 1), why: `longer than ${schema.maxLength}` });
  if (schema.format === 'date-time') cases.push({ value: 'tomorrow', why: 'not a date-time' });
  if (types.includes('integer')) cases.push({ value: (schema.minimum ?? 0) + 0.5, why: 'not whole' });
  if (schema.minimum !== undefined) cases.push({ value: schema.minimum - 1, why: `below ${schema.minimum}` });
  if (schema.maximum !== undefined) cases.push({ value: schema.maximum + 1, why: `above ${schema.maximum}` });
  if (schema.minItems) cases.push({ value: [], why: `fewer than ${schema.minItems} items` });
  if (schema.maxProperties !== undefined) {
    cases.push({ value: Object.fromEntries(Array.from({ length: schema.maxProperties + 1 }, (_, i) => [`k${i}`, 1])), why: `more than ${schema.maxProperties} properties` });
  }
  return cases;
}

export interface BodyCase {
  body: Json;
  /** The field the 400 must name, or undefined for a body that must be accepted. */
  field?: string;
  why: string;
}

/**
 * From a valid object `base`: one body per broken constraint (a required property missing, each
 * invalid value of each property, recursively) and one per edge value that must pass.
 */
export function bodyCases(doc: Json, objectSchema: Schema, base: Json, prefix = ''): BodyCase[] {
  const schema = resolve(doc, objectSchema);
  const cases: BodyCase[] = [];
  for (const name of schema.required ?? []) {
    const { [name]: _, ...rest } = base;
    cases.push({ body: rest, field: prefix + name, why: `${prefix + name} missing` });
  }
  for (const [name, raw] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    const property = resolve(doc, raw);
    for (const { value, why } of invalidValues(property, prefix + name)) cases.push({ body: { ...base, [name]: value }, field: prefix + name, why: `${prefix + name}: ${why}` });
    for (const { value, why } of edgeValues(property)) cases.push({ body: { ...base, [name]: value }, why: `${prefix + name}: ${why}` });
    if (property.properties) {
      const inner = (base[name] ?? sample(property, prefix + name)) as Json;
      for (const c of bodyCases(doc, property, inner, `${prefix}${name}.`)) cases.push({ ...c, body: { ...base, [name]: c.body } });
    }
    // An array of objects: every case of its item schema, played on the first item.
    const items = property.items && resolve(doc, property.items);
    if (items?.properties) {
      const [first, ...rest] = (base[name] ?? [sample(items, `${prefix + name}.0`)]) as Json[];
      for (const c of bodyCases(doc, items, first ?? {}, `${prefix}${name}.0.`)) cases.push({ ...c, body: { ...base, [name]: [c.body, ...rest] } });
    }
  }
  return cases;
}
