// The error body every route answers with, {error, code, ...}, and what each code means. A route
// lists the codes it raises itself; the ones its access rule and its inputs imply are added here,
// so the document, the handlers' declarations and the tests read one table.
import { z } from 'zod';

type ExtraField = 'field' | 'issues' | 'runId' | 'jobId' | 'status';

/** Each code: what it means, and the fields its body carries besides error and code. */
export const ERROR_CODES = {
  VALIDATION_ERROR: { meaning: 'A query or body field is invalid; `field` names the first one, `issues` lists all', fields: ['field', 'issues'] },
  INVALID_JSON: { meaning: 'The body is not valid JSON', fields: [] },
  UNSUPPORTED_MEDIA_TYPE: { meaning: 'The body was not sent as application/json', fields: [] },
  PAYLOAD_TOO_LARGE: { meaning: 'The body is larger than BODY_LIMIT_BYTES, or a job payload larger than the queue stores (maxPayloadBytes; `field` names it)', fields: ['field'] },
  BATCH_TOO_LARGE: { meaning: 'A batch holds more jobs than one request may enqueue (MAX_BATCH_JOBS, 1,000)', fields: [] },
  UNAUTHORIZED: { meaning: 'No token, or an invalid, expired or forged one (the answer carries WWW-Authenticate: Bearer)', fields: [] },
  FORBIDDEN: { meaning: 'The token is valid but its role may not do this', fields: [] },
  NOT_FOUND: { meaning: 'No such resource (or no such route)', fields: [] },
  JOB_NOT_FOUND: { meaning: 'No scheduled job with that name', fields: [] },
  CONFLICT: { meaning: 'Not possible in the current state: `runId` is the run in flight, `status` the job\'s status', fields: ['runId', 'status'] },
  IDEMPOTENCY_KEY_REUSED: { meaning: 'The idempotency key belongs to a job of another type (`jobId`)', fields: ['field', 'jobId'] },
  UNKNOWN_JOB_TYPE: { meaning: 'No job file defines that type', fields: ['field'] },
  EXPIRED: { meaning: 'The preview session has expired', fields: [] },
  REVOKED: { meaning: 'The preview session was revoked', fields: [] },
  JOBS_DISABLED: { meaning: 'JOBS_ENABLED=false: this process runs no jobs', fields: [] },
  SCHEDULER_NOT_RUNNING: { meaning: 'The scheduler is starting or stopping', fields: [] },
  STORAGE_FULL: { meaning: "The database's disk has no space left: nothing was written; the same request succeeds once space is freed (GET /api/health says degraded meanwhile)", fields: [] },
} as const satisfies Record<string, { meaning: string; fields: readonly ExtraField[] }>;

export type ErrorCode = keyof typeof ERROR_CODES;

const errorBody = z.strictObject({
  error: z.string().meta({ description: 'What went wrong, for people' }),
  code: z.string(),
  field: z.string().optional().meta({ description: 'The invalid field, as the client spelled it (data.requestId)' }),
  issues: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional().meta({ description: 'Every invalid field' }),
  runId: z.string().optional().meta({ description: 'The run in flight' }),
  jobId: z.string().optional().meta({ description: 'The job holding the idempotency key' }),
  status: z.string().optional().meta({ description: "The job's current status" }),
});

/** The error body of one status of one route: `code` narrowed to its codes, and only their fields. */
export function errorSchemaFor(codes: readonly ErrorCode[]) {
  const fields = Object.fromEntries(codes.flatMap((code) => ERROR_CODES[code].fields).map((field) => [field, true as const]));
  return errorBody
    .pick({ error: true, code: true, ...fields })
    .extend({ code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).meta({ description: 'What went wrong, for programs' }) })
    .meta({ description: 'An error: JSON, never a stack trace' });
}
