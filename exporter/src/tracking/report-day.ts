/**
 * The calendar day ('YYYY-MM-DD') of an instant in a time zone, for the per-day API counters.
 *
 * Formatting a date in a time zone costs microseconds, far too much for every request, so the
 * day is cached per UTC minute: every time zone in use today is offset from UTC by whole minutes
 * (most by whole hours), so a local midnight always falls on a UTC minute boundary and one
 * minute never spans two local days.
 */
export class ReportDayClock {
  private readonly formatter: Intl.DateTimeFormat;
  private cachedMinute = Number.NaN;
  private cachedDay = '';

  /** @throws RangeError when `timeZone` is not an IANA time zone. */
  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  }

  /** The local day of `epochMs` in this clock's time zone. */
  dayOf(epochMs: number): string {
    const minute = Math.floor(epochMs / 60_000);
    if (minute !== this.cachedMinute) {
      this.cachedDay = formatDay(this.formatter, epochMs);
      this.cachedMinute = minute;
    }
    return this.cachedDay;
  }
}

// Assembled from parts: the order and separators of a locale's date format are not a contract.
function formatDay(formatter: Intl.DateTimeFormat, epochMs: number): string {
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatter.formatToParts(epochMs)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}
