// Errors callers can tell apart (the HTTP layer maps them to 400s), and the two ways a handler can
// steer its own retry: ask for a specific delay, or say retrying is pointless.

export interface ValidationIssue {
  /** Dotted path, e.g. "payload.requestId" or "priority". */
  field: string;
  message: string;
}

/** The enqueue input or payload is invalid; nothing was stored. */
export class QueueValidationError extends Error {
  readonly field: string;
  constructor(readonly issues: ValidationIssue[]) {
    const first = issues[0] ?? { field: 'payload', message: 'invalid' };
    super(`Invalid field "${first.field}": ${first.message}`);
    this.name = 'QueueValidationError';
    this.field = first.field;
  }
}

/** The payload, as it would be stored, is larger than the queue accepts; nothing was stored. */
export class PayloadTooLargeError extends QueueValidationError {
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
    field = 'payload',
  ) {
    super([{ field, message: `is ${bytes} bytes as stored; the limit is ${limitBytes} bytes` }]);
    this.name = 'PayloadTooLargeError';
  }
}

/** No job file declares this type; nothing was stored. */
export class UnknownJobTypeError extends Error {
  constructor(readonly type: string) {
    super(`Unknown job type "${type}"`);
    this.name = 'UnknownJobTypeError';
  }
}

/** The idempotency key already belongs to a job of another type; nothing was stored. */
export class IdempotencyKeyReusedError extends Error {
  constructor(
    readonly key: string,
    readonly existingJobId: string,
    readonly existingType: string,
  ) {
    super(`Idempotency key "${key}" already belongs to job ${existingJobId} of type "${existingType}"`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Thrown by a handler: retry after exactly `retryAfterMs` (still bounded by maxAttempts). */
export class RetryAfterError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = `Retry requested in ${retryAfterMs} ms`,
  ) {
    super(message);
    this.name = 'RetryAfterError';
  }
}

/** `throw retryAfter(60_000, 'rate limited')` inside a handler. */
export function retryAfter(ms: number, message?: string): RetryAfterError {
  return new RetryAfterError(Math.max(0, Math.round(ms)), message);
}

/** Thrown by a handler when another attempt cannot help (bad data, missing row): fails at once. */
export class NonRetryableError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'NonRetryableError';
  }
}
