// Plain-text formatting shared by the pages. Times are rendered absolute and in UTC on the server
// (stable text, so a live region only changes when its data does); the browser script adds
// relative wording ("3 min ago") on top.

const pad = (n: number) => String(n).padStart(2, '0');

/** "2025-03-01 14:05:09 UTC" */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** Drops a trailing ".0" ("7.0" -> "7") so a whole number reads as one. */
const oneDecimal = (n: number) => String(Number(n.toFixed(1)));

/**
 * "850 ms", "2.5 s", "7 s", "42 s", "10 min", "2 min 5 s", "1 h", "1 h 30 min". A sub-unit that is
 * zero is left out: "10 min", not "10 min 0 s".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000 && Math.round(ms / 100) < 100) return `${oneDecimal(ms / 1000)} s`;
  if (ms < 60_000 && Math.round(ms / 1000) < 60) return `${Math.round(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const joined = (big: string, small: number, unit: string) => (small === 0 ? big : `${big} ${small} ${unit}`);
  if (minutes < 60) return joined(`${minutes} min`, totalSeconds % 60, 's');
  const totalMinutes = Math.round(ms / 60_000);
  return joined(`${Math.floor(totalMinutes / 60)} h`, totalMinutes % 60, 'min');
}

/** A unit for a chart axis: every tick of one axis is labelled in the same unit. */
export interface AxisUnit {
  label: 'ms' | 's' | 'min' | 'h';
  ms: number;
}

const AXIS_UNITS: readonly AxisUnit[] = [
  { label: 'ms', ms: 1 },
  { label: 's', ms: 1000 },
  { label: 'min', ms: 60_000 },
  { label: 'h', ms: 3_600_000 },
];

/** The unit an axis reaching `maxMs` is labelled in: the largest one that keeps most labels at 1 or more. */
export function axisUnitFor(maxMs: number): AxisUnit {
  // Switch to the next unit only at twice its size, so an axis reaching 90 s reads "0 s … 100 s"
  // rather than "0 min … 1.5 min".
  return [...AXIS_UNITS].reverse().find((u) => maxMs >= 2 * u.ms) ?? AXIS_UNITS[0]!;
}

/** An axis label in the axis's unit: "0 s", "20 s", "2.5 min". */
export function formatAxisValue(ms: number, unit: AxisUnit): string {
  return `${Number((ms / unit.ms).toPrecision(6))} ${unit.label}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A UUIDv7 is long; its random tail tells rows apart at a glance ("…5f3a9c2d"). */
export function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}

export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

export const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;
