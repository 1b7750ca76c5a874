// Cron arithmetic for status pages and catch-up: the same parser (@breejs/later) and the same
// timezone adjustment Bree uses to fire jobs, so "nextRun" is when Bree will really run it.
// @breejs/later ships no types: ours are in src/types. cron.d.ts mentions later's types, so the
// reference is kept in the emitted declaration (preserve), pointing at the copy in dist/types.
/// <reference path="../types/breejs-later.d.ts" preserve="true" />
import later from '@breejs/later';
import cronstrue from 'cronstrue';

/** Five fields, or six with seconds first (useful in tests and for sub-minute jobs). */
export function hasSeconds(expr: string): boolean {
  return expr.trim().split(/\s+/).length === 6;
}

const CRON_FIELD = /^[\d*/,?LW#A-Za-z-]+$/;

export function parseCron(expr: string): later.ScheduleData {
  const fields = expr.trim().split(/\s+/);
  // later's parser is lenient (it ignores what it cannot read), so check the shape first.
  if (fields.length < 5 || fields.length > 6 || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new Error(`Invalid cron expression "${expr}"`);
  }
  const parsed = later.parse.cron(expr, hasSeconds(expr)) as later.ScheduleData & { error?: number };
  if ((parsed.error !== undefined && parsed.error !== -1) || parsed.schedules.length === 0) {
    throw new Error(`Invalid cron expression "${expr}"`);
  }
  return parsed;
}

export function isValidCron(expr: string): boolean {
  try {
    parseCron(expr);
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds to add to a UTC instant to read it as wall-clock time in `timezone`. */
function zoneOffsetMs(at: Date, timezone: string): number {
  if (timezone === 'local' || timezone === 'system') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  // later works in the machine's local time (Bree sets that); shift from local wall time to the zone's.
  return wall - (at.getTime() - (at.getTime() % 1000)) + at.getTimezoneOffset() * 60_000;
}

function occurrence(expr: string, timezone: string, from: Date, direction: 'next' | 'prev'): Date | null {
  const offset = zoneOffsetMs(from, timezone);
  const shifted = new Date(from.getTime() + offset);
  const schedule = later.schedule(parseCron(expr));
  const found = direction === 'next' ? schedule.next(2, shifted) : schedule.prev(2, shifted);
  const list = (Array.isArray(found) ? found : found ? [found] : []) as Date[];
  const pick = list
    // Cron times are whole seconds. later carries `from`'s milliseconds into a result in the same
    // hour (04:29:05.604 -> 04:30:00.604), so drop them.
    .map((d) => new Date(Math.floor((d.getTime() - offset) / 1000) * 1000))
    .find((d) => (direction === 'next' ? d.getTime() > from.getTime() : d.getTime() <= from.getTime()));
  return pick ?? null;
}

/** The first due time strictly after `from`. */
export function nextDue(expr: string, timezone: string, from = new Date()): Date | null {
  return occurrence(expr, timezone, from, 'next');
}

/** The latest due time at or before `from`. */
export function previousDue(expr: string, timezone: string, from = new Date()): Date | null {
  return occurrence(expr, timezone, from, 'prev');
}

/** "Every 6 hours", "At 03:00": for start-up logs and the status API. */
export function describeCron(expr: string): string {
  try {
    return cronstrue.toString(expr, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return expr;
  }
}
