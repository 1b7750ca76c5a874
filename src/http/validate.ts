// zod validation for bodies, queries and params, turning failures into 400 {error, code, field}.
import type { Context } from 'hono';
import { z, type ZodType } from 'zod';
import { ApiError, badRequest } from './errors.ts';
import { DOCUMENTED_AS } from './openapi/json-schema.ts';

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

export function readParams<T>(c: Context, schema: ZodType<T>): T {
  return parseWith(schema, c.req.param(), 'path');
}

const QUERY_INT_DIGITS = 9;

/**
 * A query-string integer: digits only (no "0x10", "1e2" or ""), absent means `fallback`. zod can
 * only describe the string it parses, so the API description is given here, from the same numbers.
 */
export function queryInt(min: number, max: number, fallback: number) {
  const documented = { type: 'integer', minimum: min, maximum: Math.min(max, 10 ** QUERY_INT_DIGITS - 1), default: fallback };
  return z
    .string()
    .regex(new RegExp(`^\\d{1,${QUERY_INT_DIGITS}}$`), 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    .meta({ [DOCUMENTED_AS]: documented });
}

/** An ISO 8601 date-time with offset, within years 1970-9999 so it round-trips through the API. */
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => {
    const ms = Date.parse(v);
    return Number.isFinite(ms) && ms >= 0 && ms < Date.UTC(10000, 0, 1);
  }, 'must be a date between 1970 and 9999')
  .meta({ description: 'ISO 8601 date-time with a UTC offset (Z or ±hh:mm), between 1970 and 9999' });
