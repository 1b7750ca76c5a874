// Builds the OpenAPI 3.1 document from the route definitions (and, for the enqueue bodies, from the
// payload schemas of the loaded job files). Nothing here is written by hand per endpoint: paths,
// parameters, bodies, responses, error codes and security all come from the definitions.
import type { ZodType } from 'zod';
import { errorCodesOf, type RouteSpec } from './define.ts';
import { ERROR_CODES, errorSchemaFor, type ErrorCode } from './error-codes.ts';
import { SchemaCollector, type JsonSchema } from './json-schema.ts';
import { introduction, SECURITY_SCHEMES, securityOf, TAGS } from './texts.ts';

export interface DocumentedJobType {
  name: string;
  description: string;
  payload?: ZodType;
}

export interface DocumentInput {
  routes: readonly RouteSpec[];
  /**
   * The host app's own routes: their paths are the host's, from its root, so each path item names
   * its own server ('/') instead of the document's (where the host mounted Nightshift).
   */
  hostRoutes?: readonly RouteSpec[];
  /** Job types the queue accepts (the enqueue bodies get one variant each). */
  jobTypes: readonly DocumentedJobType[];
  version: string;
}

export type OpenApiDocument = JsonSchema & { openapi: '3.1.0'; paths: Record<string, Record<string, JsonSchema>> };

/** Hono's /api/jobs/runs/:id as OpenAPI's /api/jobs/runs/{id}. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');

const ACCESS_TEXT: Record<RouteSpec['access'], string> = {
  public: 'Public: no token needed.',
  'signed-in': 'Any signed-in role (owner, admin or staff).',
  admin: 'Owner or admin.',
  metrics: 'Owner or admin, or the METRICS_TOKEN.',
};

// On success answers only: every answer carries it (the introduction says so), and repeating it
// under each error would bury the codes.
const TRACE_HEADER = { 'x-trace-id': { $ref: '#/components/headers/TraceId' } };

/** One parameter per property of a params/query object schema (zod's input view). */
function parametersOf(collector: SchemaCollector, schema: ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = collector.convert(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, examples, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      ...(Array.isArray(examples) && examples.length ? { example: examples[0] } : {}),
      schema: rest,
    };
  });
}

const NO_PAYLOAD: JsonSchema = {
  description: 'This job takes no payload: omit it, or send null or {}',
  type: ['object', 'null'],
  maxProperties: 0,
};

/** The body schema once per job type: the type field pinned to the name, the payload to its schema. */
function jobVariants(collector: SchemaCollector, base: JsonSchema, spec: RouteSpec, jobTypes: readonly DocumentedJobType[]): JsonSchema {
  const { typeField, payloadField } = spec.jobPayload!;
  const variants = jobTypes.map((type) => {
    let payload = NO_PAYLOAD;
    let payloadRequired = false;
    if (type.payload) {
      try {
        payload = collector.convert(type.payload, 'input');
      } catch {
        payload = { description: 'Checked by a schema that has no JSON Schema form' };
      }
      payloadRequired = !type.payload.safeParse(undefined).success;
    }
    const properties = base.properties as Record<string, JsonSchema>;
    const required = ((base.required ?? []) as string[]).filter((name) => name !== payloadField);
    return {
      ...base,
      title: type.name,
      description: type.description,
      properties: {
        ...properties,
        [typeField]: { type: 'string', const: type.name },
        [payloadField]: payload,
      },
      required: payloadRequired ? [...required, payloadField] : required,
    };
  });
  return variants.length ? { oneOf: variants } : base;
}

/** A body whose field `itemsOf` is an array of job-typed items: the variants document each item. */
function withJobItems(collector: SchemaCollector, base: JsonSchema, spec: RouteSpec, jobTypes: readonly DocumentedJobType[]): JsonSchema {
  const field = spec.jobPayload!.itemsOf!;
  const properties = base.properties as Record<string, JsonSchema>;
  const array = properties[field]!;
  return { ...base, properties: { ...properties, [field]: { ...array, items: jobVariants(collector, array.items as JsonSchema, spec, jobTypes) } } };
}

function operationOf(collector: SchemaCollector, spec: RouteSpec, jobTypes: readonly DocumentedJobType[]): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const content: Record<string, JsonSchema> = {};
    if (response.schema) content['application/json'] = { schema: collector.convert(response.schema, 'output') };
    for (const media of [response.contentType ?? []].flat()) content[media] = { schema: { type: 'string' } };
    responses[status] = {
      description: response.description,
      headers: TRACE_HEADER,
      ...(Object.keys(content).length ? { content } : {}),
    };
  }
  for (const [status, codes] of errorCodesOf(spec)) {
    if (responses[status]) throw new Error(`${spec.operationId}: ${status} is both a success and an error`);
    responses[status] = {
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].meaning}`).join('; '),
      ...(status === 401 ? { headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } } } : {}),
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorComponent(collector, codes)}` } } },
    };
  }

  const parameters = [...parametersOf(collector, spec.params, 'path'), ...parametersOf(collector, spec.query, 'query')];
  let requestBody: JsonSchema | undefined;
  if (spec.body) {
    const base = collector.convert(spec.body, 'input');
    const schema = !spec.jobPayload ? base : spec.jobPayload.itemsOf ? withJobItems(collector, base, spec, jobTypes) : jobVariants(collector, base, spec, jobTypes);
    requestBody = {
      required: true,
      content: { 'application/json': { schema, ...(spec.bodyExample !== undefined ? { example: spec.bodyExample } : {}) } },
    };
  }

  const description = [spec.description, `**Access:** ${ACCESS_TEXT[spec.access]}`].filter(Boolean).join('\n\n');
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description,
    tags: [...spec.tags],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    security: securityOf(spec.access),
  };
}

/** Errors with the same set of codes share one named schema: `Error.NOT_FOUND`, ... */
function errorComponent(collector: SchemaCollector, codes: readonly ErrorCode[]): string {
  const name = `Error.${codes.join('.')}`;
  if (!collector.components[name]) collector.components[name] = collector.convert(errorSchemaFor(codes), 'output');
  return name;
}

/** A host route's path is from the host's root, not from where Nightshift is mounted. */
const HOST_SERVERS = [{ url: '/', description: "The host app's own route, from its root" }];

export function buildOpenApiDocument(input: DocumentInput): OpenApiDocument {
  const collector = new SchemaCollector();
  // Responses first, so a named schema keeps its plain name in its response (output) form.
  for (const spec of input.routes) for (const response of Object.values(spec.responses)) if (response.schema) collector.convert(response.schema, 'output');
  const hostRoutes = input.hostRoutes ?? [];
  for (const spec of hostRoutes) for (const response of Object.values(spec.responses)) if (response.schema) collector.convert(response.schema, 'output');
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const add = (spec: RouteSpec, host: boolean) => {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    if (paths[path]![spec.method]) throw new Error(`${spec.method.toUpperCase()} ${path} is defined twice`);
    const operation = operationOf(collector, spec, input.jobTypes);
    paths[path]![spec.method] = host ? { ...operation, servers: HOST_SERVERS } : operation;
  };
  for (const spec of input.routes) add(spec, false);
  for (const spec of hostRoutes) add(spec, true);
  const all = [...input.routes, ...hostRoutes];
  const usedTags = new Set(all.flatMap((spec) => spec.tags));
  // The host's own tags come without a description (TAGS describes the engine's).
  const hostTags = [...usedTags].filter((name) => !TAGS.some((tag) => tag.name === name)).map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: 'Nightshift API', version: input.version, description: introduction() },
    tags: [...TAGS.filter((tag) => usedTags.has(tag.name)), ...hostTags],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(collector.components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: SECURITY_SCHEMES,
      headers: {
        TraceId: {
          description: 'The trace id of this request: from traceparent or x-request-id, else generated. Stored on anything it enqueues.',
          schema: { type: 'string' },
        },
        WwwAuthenticate: { description: 'Bearer', schema: { type: 'string', const: 'Bearer' } },
      },
    },
  };
}
