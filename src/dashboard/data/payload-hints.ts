// What the enqueue form tells an operator about each job type's payload: an example to start from
// and a line per field, read from the job's own zod schema (z.toJSONSchema), so it cannot drift.
import { z } from 'zod';
import type { JobType } from '../../queue/job-types.ts';

export interface FieldHint {
  name: string;
  text: string;
}

export interface PayloadHint {
  type: string;
  description: string;
  takesPayload: boolean;
  /** Pretty JSON to prefill the form with: defaults and placeholders for required fields. */
  example: string;
  fields: FieldHint[];
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
}

function placeholder(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return '';
  }
}

function describeField(name: string, schema: JsonSchema, required: boolean): FieldHint {
  const parts: string[] = [];
  if (schema.enum?.length) parts.push(`one of ${schema.enum.map(String).join(', ')}`);
  else if (schema.format === 'date-time') parts.push('ISO date-time');
  else if (schema.type) parts.push(Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type);
  if (schema.minimum !== undefined && schema.maximum !== undefined) parts.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  else if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.maxLength !== undefined) parts.push(`up to ${schema.maxLength} characters`);
  parts.push(required ? 'required' : schema.default !== undefined ? `default ${JSON.stringify(schema.default)}` : 'optional');
  return { name, text: parts.join(', ') };
}

function payloadHint(type: JobType): PayloadHint {
  const schema = type.job.definition.payload;
  const base = { type: type.name, description: type.job.definition.description };
  if (!schema) return { ...base, takesPayload: false, example: '{}', fields: [] };
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return { ...base, takesPayload: true, example: '{}', fields: [] };
  }
  const required = new Set(json.required ?? []);
  const properties = Object.entries(json.properties ?? {});
  const example: Record<string, unknown> = {};
  for (const [name, field] of properties) if (required.has(name) || field.default !== undefined) example[name] = placeholder(field);
  return {
    ...base,
    takesPayload: true,
    example: JSON.stringify(json.type === 'object' ? example : placeholder(json), null, 2),
    fields: properties.map(([name, field]) => describeField(name, field, required.has(name))),
  };
}

/** The enqueue form's type list: types that take a payload first, then by name. */
export function payloadHints(types: readonly JobType[]): PayloadHint[] {
  return types.map(payloadHint).sort((a, b) => Number(b.takesPayload) - Number(a.takesPayload) || a.type.localeCompare(b.type));
}
