// zod validation for bodies, queries and params, turning failures into 400 {error, code, field}.
import type { Context } from 'hono';
import type { ZodType } from 'zod';
import { ApiError, badRequest } from './errors.ts';

function fail(error: { issues: { path: PropertyKey[]; message: string }[] }, where: string): never {
  const first = error.issues[0]!;
  const field = first.path.map(String).join('.') || undefined;
  throw badRequest(field ? `Invalid ${where} field "${field}": ${first.message}` : `Invalid ${where}: ${first.message}`, {
    field,
    issues: error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  });
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (!result.success) fail(result.error, where);
  return result.data;
}

export async function readJson<T>(c: Context, schema: ZodType<T>): Promise<T> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON');
  }
  return parseWith(schema, body, 'body');
}

export function readQuery<T>(c: Context, schema: ZodType<T>): T {
  return parseWith(schema, c.req.query(), 'query');
}
