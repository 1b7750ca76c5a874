// One definition per endpoint is the single source of its contract: the handler is registered from
// it (method, path) and validates with its schemas (params, query, body), and the OpenAPI document is
// built from the same object. A handler answers through `reply`, which only accepts the statuses the
// definition documents, with bodies of the documented type.
import type { Context, Env, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z, ZodType } from 'zod';
import { readJson, readParams, readQuery } from '../validate.ts';
import type { ErrorCode } from './error-codes.ts';

export type HttpMethod = 'get' | 'post' | 'delete';

/**
 * Who may call a route. The guards themselves are middleware (app.ts, queue routes); the document
 * states the rule and test/http/openapi-document.test.ts checks the app enforces it.
 * - public: no token; signed-in: any role; admin: owner or admin;
 * - metrics: owner or admin, or the static METRICS_TOKEN.
 */
export type Access = 'public' | 'signed-in' | 'admin' | 'metrics';

export interface ResponseSpec {
  description: string;
  /** The JSON body (application/json). */
  schema?: ZodType;
  /** A non-JSON body: its media types (the body is described in words). No schema and no type: no body. */
  contentType?: string | readonly string[];
}

export interface RouteSpec {
  /** Unique, stable: clients generate method names from it. */
  operationId: string;
  method: HttpMethod;
  /** The full path in Hono syntax (/api/jobs/runs/:id). */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: Access;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** A valid body, shown in the docs (and used by the tests as the base of invalid ones). */
  bodyExample?: unknown;
  /**
   * The body names a job type and carries its payload, which that job's own zod schema validates:
   * the document shows one body variant per loaded job type, with its payload schema.
   */
  jobPayload?: {
    typeField: string;
    payloadField: string;
    /** The body field holding an array of such items (a batch), when the body is not one item. */
    itemsOf?: string;
  };
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Error codes the handler raises, by status (access and input errors are implied). */
  errors?: Readonly<Partial<Record<number, readonly ErrorCode[]>>>;
}

type BodyIn<S extends RouteSpec> = S['body'] extends ZodType ? z.input<S['body']> : never;

/** Identity, for type-checking: keeps the literal statuses and checks bodyExample against body. */
export function defineRoute<const S extends RouteSpec>(spec: S & { bodyExample?: BodyIn<S> }): S {
  return spec;
}

type Out<T> = T extends ZodType ? z.output<T> : undefined;

export interface RouteInput<S extends RouteSpec> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
}

type JsonStatus<S extends RouteSpec> = {
  [K in keyof S['responses']]: S['responses'][K] extends { schema: ZodType } ? K : never;
}[keyof S['responses']] &
  number;

type ResponseBody<S extends RouteSpec, K extends keyof S['responses']> = S['responses'][K] extends { schema: infer T extends ZodType } ? z.input<T> : never;

export type Reply<S extends RouteSpec> = <K extends JsonStatus<S>>(status: K, body: ResponseBody<S, K>) => Response;

export type RouteHandler<E extends Env, S extends RouteSpec> = (
  c: Context<E>,
  input: RouteInput<S>,
  reply: Reply<S>,
) => Response | Promise<Response>;

/**
 * Registers `spec` on `app`, which the app mounts at `mountedAt`: validates the inputs the
 * definition declares (a 400 names the field) before the handler runs.
 */
export function serve<E extends Env, S extends RouteSpec>(app: Hono<E>, mountedAt: string, spec: S, handler: RouteHandler<E, S>): void {
  if (!spec.path.startsWith(mountedAt)) throw new Error(`${spec.operationId}: ${spec.path} is not under ${mountedAt}`);
  const local = spec.path.slice(mountedAt.length) || '/';
  app.on(spec.method.toUpperCase(), local, async (c: Context<E>) => {
    const input = {
      params: spec.params ? readParams(c, spec.params) : undefined,
      query: spec.query ? readQuery(c, spec.query) : undefined,
      body: spec.body ? await readJson(c, spec.body) : undefined,
    } as RouteInput<S>;
    const reply = ((status: number, body: unknown) => c.json(body, status as ContentfulStatusCode)) as Reply<S>;
    return handler(c, input, reply);
  });
}

/** Every error code a route can answer with, by status: its own plus those implied by access and inputs. */
export function errorCodesOf(spec: RouteSpec): Map<number, ErrorCode[]> {
  const codes = new Map<number, ErrorCode[]>();
  const add = (status: number, code: ErrorCode) => {
    const list = codes.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    codes.set(status, list);
  };
  // Path parameters are plain strings (a test keeps them so): a router match is always valid, and
  // an unknown id is a 404, so they add no 400.
  if (spec.query || spec.body) add(400, 'VALIDATION_ERROR');
  if (spec.body) {
    add(400, 'INVALID_JSON');
    add(413, 'PAYLOAD_TOO_LARGE');
    add(415, 'UNSUPPORTED_MEDIA_TYPE');
  }
  // Every operation that writes can meet a full disk (nothing is written: 507).
  if (spec.method !== 'get') add(507, 'STORAGE_FULL');
  if (spec.access !== 'public') add(401, 'UNAUTHORIZED');
  if (spec.access === 'admin' || spec.access === 'metrics') add(403, 'FORBIDDEN');
  for (const [status, list] of Object.entries(spec.errors ?? {})) for (const code of list ?? []) add(Number(status), code);
  return new Map([...codes].sort(([a], [b]) => a - b));
}
