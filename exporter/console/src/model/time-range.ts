// The range filter of a section whose catalogue entry has `timeRange`. Dates are calendar days
// in the catalogue's report time zone; the exporter reads a date without a zone as local midnight
// there, so the console only ever sends dates (`2026-11-01`) and never converts instants itself.
import type { CatalogueTimeRange } from '../api/catalogue.ts';
import { localeOf } from './format.ts';

/** `current`: the section's default range (this month); `previous`: last month; `custom`: whole days, both included. */
export type RangeChoice = { kind: 'current' } | { kind: 'previous' } | { kind: 'custom'; from: string; to: string };

export const CURRENT_RANGE: RangeChoice = { kind: 'current' };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today's date (YYYY-MM-DD) on the wall clock of `timeZone`. */
export function todayIn(timeZone: string, now: Date): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function parts(date: string): [number, number, number] {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`not a date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

const isoOf = (utc: number) => new Date(utc).toISOString().slice(0, 10);

export function isDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  return isoOf(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) === value;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = parts(date);
  return isoOf(Date.UTC(year, month - 1, day + days));
}

/** First day of the month `offset` months from the month of `date`. */
export function monthStart(date: string, offset = 0): string {
  const [year, month] = parts(date);
  return isoOf(Date.UTC(year, month - 1 + offset, 1));
}

/** The days a choice covers: first and last, both included. */
export function rangeDays(choice: RangeChoice, timeZone: string, now: Date): { first: string; last: string } {
  const today = todayIn(timeZone, now);
  if (choice.kind === 'custom') return { first: choice.from, last: choice.to };
  const offset = choice.kind === 'previous' ? -1 : 0;
  return { first: monthStart(today, offset), last: addDays(monthStart(today, offset + 1), -1) };
}

/**
 * The query string parameters for a choice: none for the default (the exporter's own current
 * month, served from its snapshot), otherwise `from` = first day and `to` = the day after the
 * last (the exporter's range ends before `to`).
 */
export function rangeQuery(choice: RangeChoice, timeRange: CatalogueTimeRange, timeZone: string, now: Date): Record<string, string> {
  if (choice.kind === 'current') return {};
  const { first, last } = rangeDays(choice, timeZone, now);
  return { [timeRange.from]: first, [timeRange.to]: addDays(last, 1) };
}

export type CustomRangeProblem = 'incomplete' | 'reversed';

export function checkCustomRange(from: string, to: string): CustomRangeProblem | undefined {
  if (!isDate(from) || !isDate(to)) return 'incomplete';
  return from > to ? 'reversed' : undefined;
}

/** A calendar day in the chosen language (`1 Nov 2026`). */
export function formatDay(date: string, language: string): string {
  const [year, month, day] = parts(date);
  // The date is a calendar day, not an instant: format it at UTC so no zone shifts it.
  return new Intl.DateTimeFormat(localeOf(language), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, day)));
}
