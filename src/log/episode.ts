// A failure that repeats on every round of a loop (a lease renewal or a checkpoint against a full
// disk) is one event to an operator: logged when it starts and when it ends, not once per round.
// The loop also backs off while it lasts (retryAt), so a dead disk is not hammered.
import { StorageFullError, isStorageFull } from '../store/errors.ts';
import { errorFields, type Logger } from './logger.ts';
import type { Fields, LogLevel } from './types.ts';

export interface EpisodeOptions {
  /** The line when the failure starts; its fields carry the error. */
  failed: string;
  /** The line when a round succeeds again; its fields carry how many rounds failed. */
  recovered: string;
  level?: Exclude<LogLevel, 'debug'>;
  /**
   * Back-off after the nth consecutive failure: base * 2^(n-1), at most max (ms), for the errors
   * `when` accepts (default: every error). Default: none.
   */
  backoff?: { baseMs: number; maxMs: number; when?: (err: unknown) => boolean };
}

export class FailureEpisode {
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly logger: Logger,
    private readonly options: EpisodeOptions,
  ) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  /** False while backing off after a failure (the caller skips this round). */
  due(now = Date.now()): boolean {
    return now >= this.retryAt;
  }

  failed(err: unknown, fields: Fields = {}, now = Date.now()): void {
    this.failures += 1;
    const b = this.options.backoff;
    const delay = b && (b.when?.(err) ?? true) ? Math.min(b.maxMs, b.baseMs * 2 ** Math.min(16, this.failures - 1)) : 0;
    this.retryAt = now + delay;
    if (this.failures > 1) return;
    // A full disk is the operator's to fix, not a bug: its stack says nothing.
    const details = isStorageFull(err) ? { err: new StorageFullError(err).message, driverCode: (err as StorageFullError).driverCode ?? (err as { code?: string }).code } : errorFields(err);
    this.logger[this.options.level ?? 'error'](this.options.failed, { ...details, ...fields, ...(delay ? { retryInMs: delay } : {}) });
  }

  succeeded(fields: Fields = {}): void {
    if (this.failures === 0) return;
    this.logger.info(this.options.recovered, { ...fields, failures: this.failures });
    this.failures = 0;
    this.retryAt = 0;
  }
}
