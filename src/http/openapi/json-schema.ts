// zod -> JSON Schema (2020-12, which OpenAPI 3.1 uses as is) for the API description. The
// conversion is zod's own z.toJSONSchema; this module only makes its output readable and collects
// the named schemas (those with .meta({ id })) into components/schemas.
import { z, type ZodType } from 'zod';

export type JsonSchema = { [key: string]: unknown };
export type Io = 'input' | 'output';

/**
 * Metadata key for a schema whose validation zod cannot express in JSON Schema (a query-string
 * integer is a string that is parsed, checked and transformed): the value is the JSON Schema the
 * document shows instead. validate.ts sets it from the same numbers the validation uses.
 */
export const DOCUMENTED_AS = 'documentedAs';

const SAFE_INTEGER_BOUNDS = new Set([Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);

/** Readability rules applied to every node zod emits. */
function tidy(node: JsonSchema): void {
  const replacement = node[DOCUMENTED_AS];
  if (replacement && typeof replacement === 'object') {
    for (const key of Object.keys(node)) if (key !== 'description') delete node[key];
    Object.assign(node, replacement);
    return;
  }
  // zod's date-time regex says what `format: date-time` (RFC 3339: offset and seconds required)
  // says; the 500-character pattern only makes the document unreadable.
  if (node.format === 'date-time') delete node.pattern;
  // Every z.number().int() carries the safe-integer bounds; they are noise unless set on purpose.
  if (node.type === 'integer') {
    if (SAFE_INTEGER_BOUNDS.has(node.minimum as number)) delete node.minimum;
    if (SAFE_INTEGER_BOUNDS.has(node.maximum as number)) delete node.maximum;
  }
}

/** Rewrites every `#/$defs/X` reference (in place) with `rename`. */
function rewriteRefs(value: unknown, rename: (name: string) => string): void {
  if (Array.isArray(value)) {
    for (const item of value) rewriteRefs(item, rename);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const node = value as JsonSchema;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/$defs/')) {
    node.$ref = `#/components/schemas/${rename(node.$ref.slice('#/$defs/'.length))}`;
  }
  for (const child of Object.values(node)) rewriteRefs(child, rename);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Converts schemas for one document. Named schemas land in `components` once; a name that renders
 * differently as a request (input) and as a response (output) gets an "Input" twin.
 */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: ZodType, io: Io): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
      override: ({ jsonSchema }) => tidy(jsonSchema as JsonSchema),
    }) as JsonSchema;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;

    const names = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) {
      const existing = this.components[name];
      names.set(name, existing === undefined || same(existing, def) || io === 'output' ? name : `${name}Input`);
    }
    const rename = (name: string) => names.get(name) ?? name;
    for (const [name, def] of Object.entries(defs)) {
      rewriteRefs(def, rename);
      const target = rename(name);
      const existing = this.components[target];
      if (existing !== undefined && !same(existing, def)) {
        throw new Error(`Schema "${target}" renders two different ways; give one of them another id`);
      }
      this.components[target] = def;
    }
    rewriteRefs(json, rename);
    return json;
  }
}
