// Reads the enqueue form into an EnqueueInput, or into per-field messages the form shows inline.
// The payload's own validation is the job's zod schema, inside Queue.enqueue (mapped by mapQueueError).
import { IdempotencyKeyReusedError, QueueValidationError, UnknownJobTypeError, type EnqueueInput } from '../../queue/index.ts';
import type { EnqueueErrors, EnqueueValues } from '../pages/enqueue.tsx';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function enqueueValues(form: Record<string, unknown>): EnqueueValues {
  return {
    type: text(form.type).trim(),
    payload: text(form.payload),
    priority: text(form.priority).trim(),
    maxAttempts: text(form.maxAttempts).trim(),
    tenantId: text(form.tenantId).trim(),
    idempotencyKey: text(form.idempotencyKey).trim(),
  };
}

function add(errors: EnqueueErrors, field: keyof EnqueueValues, message: string) {
  (errors[field] ??= []).push(message);
}

function intField(errors: EnqueueErrors, field: keyof EnqueueValues, value: string, min: number, max: number): number | undefined {
  if (value === '') return undefined;
  if (!/^-?\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
    add(errors, field, `must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return Number(value);
}

export type ParsedEnqueue = { ok: true; input: Omit<EnqueueInput, 'actorId' | 'createdBy' | 'traceId' | 'requestId'> } | { ok: false; errors: EnqueueErrors };

export function parseEnqueueForm(values: EnqueueValues, knownType: (type: string) => boolean): ParsedEnqueue {
  const errors: EnqueueErrors = {};
  if (!values.type) add(errors, 'type', 'choose a job type');
  else if (!knownType(values.type)) add(errors, 'type', `no job file defines "${values.type}"`);
  let payload: unknown;
  const raw = values.payload.trim();
  if (raw !== '') {
    try {
      payload = JSON.parse(raw);
    } catch (err) {
      add(errors, 'payload', `is not valid JSON (${(err as Error).message})`);
    }
  }
  const priority = intField(errors, 'priority', values.priority, -1000, 1000);
  const maxAttempts = intField(errors, 'maxAttempts', values.maxAttempts, 1, 100);
  if (values.tenantId.length > 200) add(errors, 'tenantId', 'must be at most 200 characters');
  if (values.idempotencyKey.length > 200) add(errors, 'idempotencyKey', 'must be at most 200 characters');
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      type: values.type,
      payload,
      priority,
      maxAttempts,
      tenantId: values.tenantId || undefined,
      idempotencyKey: values.idempotencyKey || undefined,
    },
  };
}

/** Queue.enqueue's errors as form messages; anything else is not the form's fault (rethrown). */
export function mapQueueError(err: unknown): EnqueueErrors {
  const errors: EnqueueErrors = {};
  if (err instanceof UnknownJobTypeError) add(errors, 'type', `no job file defines "${err.type}"`);
  else if (err instanceof IdempotencyKeyReusedError) add(errors, 'idempotencyKey', `already used by a job of type "${err.existingType}"`);
  else if (err instanceof QueueValidationError) {
    for (const issue of err.issues) {
      const [head, ...rest] = issue.field.split('.');
      const field = (['type', 'priority', 'maxAttempts', 'tenantId', 'idempotencyKey'] as const).find((f) => f === head) ?? 'payload';
      const where = head === 'payload' ? rest.join('.') : '';
      add(errors, field, where ? `${where}: ${issue.message}` : issue.message);
    }
  } else throw err;
  return errors;
}
