// The development format: one readable line per record, with control characters escaped.
import type { LogRecord } from './types.ts';

// C0 controls, DEL, C1 controls (U+0085 is a newline to some viewers) and the Unicode line and
// paragraph separators: any of them could make one record look like two.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Keeps a value on its line, so a tenant id like "a\nINFO forged" cannot fake a record of its own.
 * Newlines read as \n; everything else as \uXXXX, the JSON spelling.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\n' ? '\\n' : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')));
}

function renderValue(value: unknown): string {
  // JSON.stringify escapes C0 but leaves C1 and U+2028/U+2029 raw, so its output is escaped too.
  return escapeControl(typeof value === 'string' ? value : String(JSON.stringify(value)));
}

/** `HH:MM:SS.mmm LEVEL message key=value ...`; fields with undefined values are left out. */
export function formatPretty(r: LogRecord): string {
  const { level, time, msg, ...rest } = r;
  const extra = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${escapeControl(k)}=${renderValue(v)}`)
    .join(' ');
  return `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${escapeControl(String(msg))}${extra ? ' ' + extra : ''}`;
}
