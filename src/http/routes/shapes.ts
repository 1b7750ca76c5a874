// What the API answers, as zod schemas: the OpenAPI document describes responses from these, and
// test/http/openapi-responses.test.ts checks real responses against them (strict objects: a field
// the API returns but these do not describe fails the test).
import { z } from 'zod';
import { QUEUE_STATUSES } from '../../queue/types.ts';
import { RUN_STATUSES } from '../../runs/types.ts';
import { LISTED_JOB_FIELDS, LISTED_RUN_FIELDS, LIST_PREVIEW_CHARS, LIST_VALUE_MAX_BYTES } from '../../store/list-bounds.ts';

/** Timestamps the API writes: UTC, with milliseconds (Date.toISOString). */
export const timestamp = z.iso.datetime().meta({ description: 'UTC date-time (ISO 8601)' });
const count = z.number().int().min(0);

export const RUN_TRIGGERS = ['schedule', 'manual', 'catch-up', 'queue'] as const;
const SCHEDULER_ROLES = ['disabled', 'stopped', 'standby', 'leader'] as const;

export const health = z
  .strictObject({
    status: z.enum(['ok', 'degraded']),
    uptimeMs: count,
    database: z.strictObject({
      ok: z.boolean().meta({ description: 'The database answers' }),
      schemaVersion: z.number().int().optional(),
      error: z.string().optional(),
      writable: z.boolean().meta({ description: 'false while writes fail for lack of space (status "degraded"); true again after the first write that succeeds' }),
      writeError: z
        .strictObject({
          code: z.literal('STORAGE_FULL'),
          error: z.string(),
          since: timestamp.meta({ description: 'When writes started failing' }),
        })
        .optional()
        .meta({ description: 'Why writes fail (present while writable is false)' }),
    }),
    scheduler: z.strictObject({
      enabled: z.boolean(),
      running: z.boolean().meta({ description: 'This process holds the scheduler lease' }),
      role: z.enum(SCHEDULER_ROLES),
    }),
  })
  .meta({ id: 'Health' });

export const jobRun = z
  .strictObject({
    id: z.string().meta({ description: 'UUIDv7: id order is start order' }),
    name: z.string(),
    status: z.enum(RUN_STATUSES),
    trigger: z.enum(RUN_TRIGGERS),
    startedAt: timestamp,
    endedAt: timestamp.nullable(),
    durationMs: count.nullable(),
    details: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What the job returned' }),
    error: z.string().nullable(),
    jobId: z.string().nullable().meta({ description: 'The queued job this run executed (trigger "queue")' }),
    traceId: z.string().nullable(),
  })
  .meta({ id: 'JobRun', description: 'One row of the run ledger (job_runs)' });

/** Lists are bounded in bytes: what a list shows instead of a large value (src/store/list-bounds.ts). */
export const valueSummary = z
  .strictObject({
    truncated: z.literal(true),
    bytes: count.meta({ description: "Size of the whole value's JSON, in UTF-8 bytes" }),
    preview: z.string().meta({ description: `Its first ${LIST_PREVIEW_CHARS} characters (not valid JSON on its own)` }),
  })
  .meta({
    id: 'ValueSummary',
    description: `In a list, a value whose JSON is larger than ${LIST_VALUE_MAX_BYTES} bytes is replaced by this summary, and the item's \`truncated\` names the field. The item's own endpoint answers the whole value.`,
  });

const LIST_NOTE = `whole when its JSON is at most ${LIST_VALUE_MAX_BYTES} bytes, else summarised (see \`truncated\`)`;

/** A run as a list shows it. */
export const listedJobRun = jobRun
  .extend({
    details: z
      .union([valueSummary, z.record(z.string(), z.unknown())])
      .nullable()
      .meta({ description: `What the job returned: ${LIST_NOTE}` }),
    error: z.string().nullable().meta({ description: `An error message longer than ${LIST_VALUE_MAX_BYTES} bytes is cut (see \`truncated\`)` }),
    truncated: z
      .array(z.enum(LISTED_RUN_FIELDS))
      .optional()
      .meta({ description: 'Fields this list shortened; absent when none was. GET /api/jobs/runs/{id} has them whole' }),
  })
  .meta({ id: 'ListedJobRun', description: 'A run in a list: JobRun with large details and errors summarised' });

export const jobStatus = z
  .strictObject({
    name: z.string(),
    description: z.string(),
    schedule: z.string().meta({ description: 'Cron expression' }),
    scheduleText: z.string().meta({ description: 'The cron expression in words' }),
    timeoutMs: z.number().int().positive(),
    running: z.boolean(),
    lastRun: jobRun.pick({ id: true, status: true, trigger: true, startedAt: true, endedAt: true, durationMs: true }).nullable(),
    nextRun: timestamp.nullable().meta({ description: 'null when jobs are disabled' }),
  })
  .meta({ id: 'ScheduledJob' });

export const schedulerStatus = z
  .strictObject({
    running: z.boolean(),
    enabled: z.boolean(),
    role: z.enum(SCHEDULER_ROLES),
    timezone: z.string(),
    leaseHolder: z.strictObject({ owner: z.string(), expiresAt: timestamp }).nullable(),
    runningJobs: count,
    jobs: z.array(jobStatus),
  })
  .meta({ id: 'SchedulerStatus' });

export const runResult = z.strictObject({
  success: z.boolean(),
  status: z.enum(RUN_STATUSES).exclude(['running']),
  details: z.record(z.string(), z.unknown()),
  error: z.string().optional(),
  durationMs: count.nullable(),
});

const progress = z.strictObject({
  processedItems: count,
  totalItems: count.nullable(),
  percent: z.number().int().min(0).max(100).meta({ description: 'Below 100 until the job completes' }),
});

export const queueJob = z
  .strictObject({
    id: z.string(),
    type: z.string(),
    status: z.enum(QUEUE_STATUSES),
    payload: z.unknown(),
    envelope: z.strictObject({
      tenantId: z.string().nullable(),
      actorId: z.string().nullable(),
      traceId: z.string(),
      requestId: z.string().nullable(),
    }),
    priority: z.number().int(),
    attempts: count,
    maxAttempts: z.number().int().positive(),
    runAt: timestamp,
    progress,
    result: z.unknown().meta({ description: 'What the handler returned' }),
    errorLog: z.array(z.strictObject({ at: timestamp, attempt: z.number().int().positive(), message: z.string() })).meta({
      description: 'The newest 100 errors',
    }),
    lastError: z.string().nullable(),
    idempotencyKey: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    updatedAt: timestamp,
  })
  .meta({ id: 'QueueJob' });

/** A job as a list shows it. */
export const listedQueueJob = queueJob
  .extend({
    payload: z.union([valueSummary, z.unknown()]).meta({ description: `The payload: ${LIST_NOTE}` }),
    result: z.union([valueSummary, z.unknown()]).meta({ description: `What the handler returned: ${LIST_NOTE}` }),
    errorLog: queueJob.shape.errorLog.meta({
      description: `The newest 100 errors when their JSON is at most ${LIST_VALUE_MAX_BYTES} bytes, else only the newest, its message cut (see \`truncated\`)`,
    }),
    lastError: z.string().nullable().meta({ description: `Cut when longer than ${LIST_VALUE_MAX_BYTES} bytes (see \`truncated\`)` }),
    truncated: z
      .array(z.enum(LISTED_JOB_FIELDS))
      .optional()
      .meta({ description: 'Fields this list shortened; absent when none was. GET /api/v1/jobs/{id} has them whole' }),
  })
  .meta({ id: 'ListedQueueJob', description: 'A job in a list: QueueJob with large values summarised' });

export const queueProgress = progress
  .extend({ id: z.string(), status: z.enum(QUEUE_STATUSES) })
  .meta({ id: 'QueueJobProgress' });

export const enqueuedEnvelope = z
  .strictObject({
    data: z.strictObject({ jobId: z.string(), jobName: z.string(), enqueuedAt: timestamp, status: z.enum(QUEUE_STATUSES) }),
    meta: z.strictObject({ traceId: z.string() }),
  })
  .meta({ id: 'EnqueuedJob', description: "Seed 004's answer" });
