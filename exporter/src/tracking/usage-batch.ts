/** Requests counted for one API key on one day, not yet written. */
export interface UsageEntry {
  apiKeyId: string;
  /** 'YYYY-MM-DD' in the report time zone */
  day: string;
  requestsIn: number;
  requestsOut: number;
}

/**
 * The in-memory counters between two flushes: per day, per key, two numbers. Bounded: once it
 * holds `maxEntries` (day, key) pairs, pairs it does not hold yet are refused (and counted as
 * refused) while the ones it holds keep counting.
 */
export class UsageBatch {
  private readonly days = new Map<string, Map<string, UsageEntry>>();
  private entryCount = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entryCount;
  }

  /** Adds to the pair's counts; false when the pair is new and the batch is full. */
  add(day: string, apiKeyId: string, requestsIn: number, requestsOut: number): boolean {
    let keys = this.days.get(day);
    const entry = keys?.get(apiKeyId);
    if (entry) {
      entry.requestsIn += requestsIn;
      entry.requestsOut += requestsOut;
      return true;
    }
    if (this.entryCount >= this.maxEntries) return false;
    if (!keys) {
      keys = new Map();
      this.days.set(day, keys);
    }
    keys.set(apiKeyId, { apiKeyId, day, requestsIn, requestsOut });
    this.entryCount += 1;
    return true;
  }

  /**
   * Puts back entries a failed flush took out. Never refused, whatever the bound: these counts
   * were admitted already, and losing them is exactly what the retry exists to prevent. The
   * batch can therefore briefly hold up to twice its bound (one batch in flight, one new).
   */
  restore(entries: readonly UsageEntry[]): void {
    for (const entry of entries) {
      let keys = this.days.get(entry.day);
      if (!keys) {
        keys = new Map();
        this.days.set(entry.day, keys);
      }
      const existing = keys.get(entry.apiKeyId);
      if (existing) {
        existing.requestsIn += entry.requestsIn;
        existing.requestsOut += entry.requestsOut;
      } else {
        keys.set(entry.apiKeyId, { ...entry });
        this.entryCount += 1;
      }
    }
  }

  /** Empties the batch and returns what it held. */
  drain(): UsageEntry[] {
    const entries: UsageEntry[] = [];
    for (const keys of this.days.values()) for (const entry of keys.values()) entries.push(entry);
    this.days.clear();
    this.entryCount = 0;
    return entries;
  }

  /** Totals over all pending entries. */
  totals(): { requestsIn: number; requestsOut: number } {
    let requestsIn = 0;
    let requestsOut = 0;
    for (const keys of this.days.values()) {
      for (const entry of keys.values()) {
        requestsIn += entry.requestsIn;
        requestsOut += entry.requestsOut;
      }
    }
    return { requestsIn, requestsOut };
  }
}
