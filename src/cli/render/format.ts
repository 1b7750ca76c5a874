// Small text formatters for the human-readable output: times, durations, statuses, JSON snippets.

/** "12s ago", "3h 4m ago", "in 2h 57m"; "-" for nothing. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '-';
  const delta = Date.parse(iso) - now;
  if (Number.isNaN(delta)) return iso;
  if (Math.abs(delta) < 1000) return 'just now';
  const span = compactSpan(Math.abs(delta));
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

function compactSpan(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** "12 ms", "1.4 s", "2m 05s", "1h 02m"; "-" for nothing. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** An ISO time as "2025-11-23 01:53:12Z", shorter than the full ISO string and still unambiguous. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** One-line JSON, cut to `max` characters. */
export function jsonSnippet(value: unknown, max = 80): string {
  if (value === null || value === undefined) return '-';
  const text = JSON.stringify(value) ?? String(value);
  return truncate(text, max);
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length <= max ? flat : flat.slice(0, Math.max(1, max - 1)) + '…';
}

const GOOD = new Set(['success', 'completed', 'ok']);
const BAD = new Set(['failed', 'abandoned']);
const BUSY = new Set(['running', 'processing', 'pending', 'cancelling']);

export type Painter = (status: string, text?: string) => string;

/** Colours a status word (green good, red bad, yellow busy, dim otherwise), or leaves it plain. */
export function statusPainter(color: boolean): Painter {
  if (!color) return (_status, text) => text ?? _status;
  return (status, text = status) => {
    const code = GOOD.has(status) ? 32 : BAD.has(status) ? 31 : BUSY.has(status) ? 33 : 2;
    return `\x1b[${code}m${text}\x1b[0m`;
  };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleLength = (text: string) => text.replace(ANSI, '').length;
