// Adapts a host application's pino-compatible logger to Nightshift's message-first Logger.
import type { Fields, Logger } from './types.ts';

/**
 * What Nightshift needs from a host's logger: pino's argument order (fields object, then message)
 * and child loggers. Structural on purpose, so pino, its wrappers and look-alikes all fit without
 * Nightshift's public types depending on pino's.
 */
export interface PinoLike {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: Record<string, unknown>): PinoLike;
}

/**
 * Nightshift's lines then land in the host's own stream, with the host's bindings, level and format.
 * Fields always go as an object (never `host.info(msg)` alone) so a message containing `%s` is
 * printed as written rather than treated as a format string.
 */
export function fromHostLogger(host: PinoLike): Logger {
  return {
    debug: (msg: string, fields?: Fields) => host.debug(fields ?? {}, msg),
    info: (msg: string, fields?: Fields) => host.info(fields ?? {}, msg),
    warn: (msg: string, fields?: Fields) => host.warn(fields ?? {}, msg),
    error: (msg: string, fields?: Fields) => host.error(fields ?? {}, msg),
    child: (bindings: Fields) => fromHostLogger(host.child(bindings)),
  };
}
