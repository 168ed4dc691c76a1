import { z } from 'zod';

/**
 * A wall-clock reading as milliseconds since the epoch, read as UTC, for any year: Date.UTC maps
 * years 0–99 to 1900–1999, setUTCFullYear does not.
 */
function wallClockMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millis = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

/** Milliseconds to add to a UTC wall-clock reading to get the same wall clock in `timeZone`. */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    era: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  // Intl counts years by era (1 BC is the ISO year 0).
  const bc = parts.find((part) => part.type === 'era')?.value === 'BC';
  const year = bc ? 1 - field('year') : field('year');
  const asUtc = wallClockMs(year, field('month'), field('day'), field('hour'), field('minute'), field('second'));
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** The instant at which the wall clock in `timeZone` reads the given local time. */
export function zonedTimeToInstant(wallClockAsUtcMs: number, timeZone: string): number {
  let instant = wallClockAsUtcMs - zoneOffsetMs(wallClockAsUtcMs, timeZone);
  instant = wallClockAsUtcMs - zoneOffsetMs(instant, timeZone); // second pass settles DST edges
  return instant;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const ISO_DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads `from`/`to` values: epoch milliseconds (what Grafana sends), ISO 8601 date-times with a
 * zone, or dates and date-times without one, which mean local time in the report time zone.
 */
export function parseInstant(value: string, timeZone: string): Date | undefined {
  const text = value.trim();
  if (/^\d{1,15}$/.test(text)) return new Date(Number(text));
  if (ISO_DATE_TIME_WITH_ZONE.test(text)) {
    const time = Date.parse(text.replace(' ', 'T'));
    return Number.isNaN(time) ? undefined : new Date(time);
  }
  const date = ISO_DATE.exec(text);
  const local = date ? [...date.slice(1, 4), '0', '0', '0', '0'] : ISO_LOCAL_DATE_TIME.exec(text)?.slice(1);
  if (!local) return undefined;
  const [year, month, day, hour, minute, second] = local.slice(0, 6).map((part) => Number(part ?? 0)) as number[];
  const millis = Number((local[6] ?? '0').padEnd(3, '0'));
  const wallClock = wallClockMs(year!, month!, day!, hour!, minute!, second!, millis);
  const check = new Date(wallClock);
  // Reject dates that Date silently rolls over (2026-02-31).
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day! || hour! > 23 || minute! > 59 || second! > 59) return undefined;
  return new Date(zonedTimeToInstant(wallClock, timeZone));
}

export function timeRangeSchema(timeZone: string) {
  const instant = (name: string) =>
    z.string({ message: `${name} must be a single value` }).transform((value, context) => {
      const parsed = parseInstant(value, timeZone);
      if (!parsed || Number.isNaN(parsed.getTime())) {
        context.addIssue({ code: 'custom', message: `${name} must be an ISO 8601 date or date-time, or epoch milliseconds` });
        return z.NEVER;
      }
      return parsed;
    });
  return z
    .looseObject({ from: instant('from').optional(), to: instant('to').optional() })
    .superRefine((query, context) => {
      // `from[]=…` (array or object syntax) is a mistake to report, not a parameter to ignore.
      const bracketed = Object.keys(query).find((key) => /^(from|to)\[/.test(key));
      if (bracketed)
        context.addIssue({ code: 'custom', message: `${bracketed.slice(0, bracketed.indexOf('['))} must be a single value, not ${bracketed}` });
    })
    .refine((range) => (range.from === undefined) === (range.to === undefined), { message: 'from and to go together: give both or neither' })
    .refine((range) => !range.from || !range.to || range.from < range.to, { message: 'from must be before to' });
}
