import type { RequestHandler } from 'express';
import { DEFAULT_REPORT_TIMEZONE } from '../config.js';
import { isWellFormedApiKeyId } from './api-key-id.js';
import { apiKeyTrafficMiddleware, type ApiKeyTrafficMiddlewareOptions } from './api-key-traffic-middleware.js';
import type { Queryable } from './queryable.js';
import { ReportDayClock } from './report-day.js';
import { UsageBatch, type UsageEntry } from './usage-batch.js';
import { writeUsage } from './usage-flush.js';

export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
export const DEFAULT_TIME_ZONE = DEFAULT_REPORT_TIMEZONE;
export const DEFAULT_MAX_PENDING_ENTRIES = 50_000;
export const DEFAULT_FLUSH_TIMEOUT_MS = 30_000;

export interface ApiUsageRecorderOptions {
  /** How often pending counts are written (default 5 000 ms). A crash loses at most this much. */
  flushIntervalMs?: number;
  /** The zone of the per-day counters: the exporter's REPORT_TIMEZONE (same default). */
  timeZone?: string;
  /** The clock that decides a request's day (tests inject one; default: the system clock). */
  now?: () => Date;
  /** Most (key, day) pairs held between flushes; new pairs beyond it are refused (default 50 000). */
  maxPendingEntries?: number;
  /** Called after each successful flush that wrote something (e.g. for a debug log). */
  onFlush?: (result: UsageFlushResult) => void;
  /**
   * The longest a flush may take (default 30 000 ms), waiting for a connection included. A
   * stalled network path or a frozen server raise no error by themselves; past this bound the
   * flush is reported through `onFlushError` (a FlushTimeoutError) and `flush()` rejects, instead
   * of every later tick being skipped in silence. The statement also gets it as pg's
   * `query_timeout`, so pg gives up on it and frees its connection; its counts return to the
   * batch once it has failed, never while it might still be written (no double counting on our
   * side).
   */
  flushTimeoutMs?: number;
  /** Called when a flush fails; the counts are kept and retried at the next interval. */
  onFlushError?: (error: unknown) => void;
}

/** A flush that did not finish within `flushTimeoutMs`. */
export class FlushTimeoutError extends Error {
  override name = 'FlushTimeoutError';
}

export interface UsageFlushResult {
  /** (key, day) pairs sent to the database */
  entries: number;
  /** of those, pairs written; the rest named no existing key and were dropped */
  rowsWritten: number;
  requestsIn: number;
  requestsOut: number;
}

export interface ApiUsageRecorderStats {
  /** (key, day) pairs not written yet: waiting for the next flush, or in the flush under way */
  pendingEntries: number;
  pendingRequestsIn: number;
  pendingRequestsOut: number;
  /** flush statements that succeeded / failed (the empty ones are not statements) */
  flushes: number;
  failedFlushes: number;
  /** records refused in memory: malformed key id or count */
  rejectedRecords: number;
  /** records refused because the batch was full of other (key, day) pairs */
  refusedForCapacity: number;
  /** (key, day) pairs the database dropped because the key does not exist */
  unknownKeyEntries: number;
}

const NOTHING_FLUSHED: UsageFlushResult = Object.freeze({ entries: 0, rowsWritten: 0, requestsIn: 0, requestsOut: 0 });

/**
 * Counts API-key traffic in memory and writes it to "ApiKeyUsage" every few seconds in one
 * statement. Recording never touches the database and never throws; writing happens on a
 * timer, on `flush()`, and on `close()`.
 */
export class ApiUsageRecorder {
  private readonly batch: UsageBatch;
  private readonly dayClock: ReportDayClock;
  private readonly clock: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly flushTimeoutMs: number;
  /** Flushes run one after another: a flush never races another for the same counts. */
  private flushQueue: Promise<unknown> = Promise.resolve();
  private flushesRunning = 0;
  /** The entries of the flush under way: still pending until the database has them. */
  private inFlight: readonly UsageEntry[] = [];
  /** Set when the flush under way has been reported late: its outcome is not reported again. */
  private lateReported = false;
  private counters = { flushes: 0, failedFlushes: 0, rejectedRecords: 0, refusedForCapacity: 0, unknownKeyEntries: 0 };

  constructor(
    private readonly pool: Queryable,
    private readonly options: ApiUsageRecorderOptions = {},
  ) {
    const intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError('flushIntervalMs must be a positive number');
    const maxEntries = options.maxPendingEntries ?? DEFAULT_MAX_PENDING_ENTRIES;
    if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new RangeError('maxPendingEntries must be a positive integer');
    this.flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
    if (!(Number.isInteger(this.flushTimeoutMs) && this.flushTimeoutMs > 0)) throw new RangeError('flushTimeoutMs must be a positive integer');
    this.batch = new UsageBatch(maxEntries);
    this.dayClock = new ReportDayClock(options.timeZone ?? DEFAULT_TIME_ZONE);
    const now = options.now;
    this.clock = now ? () => now().getTime() : Date.now;
    // A pending flush must not keep the platform's process alive: close() is the clean stop.
    this.timer = setInterval(() => this.flushOnSchedule(), intervalMs).unref();
  }

  /** Counts `count` requests received with this key (the middleware calls it once per request). */
  recordIncoming(apiKeyId: string, count = 1): boolean {
    return this.record(apiKeyId, count, 0);
  }

  /** Counts `count` calls made on behalf of this key: a webhook delivery, a message sent through the API. */
  recordOutgoing(apiKeyId: string, count = 1): boolean {
    return this.record(apiKeyId, 0, count);
  }

  /**
   * Express middleware counting every request authenticated by an API key as incoming traffic.
   * Mount it before the routes (it only registers a listener); it counts when the response has
   * finished, so the platform's auth has run by then.
   */
  middleware(options: ApiKeyTrafficMiddlewareOptions = {}): RequestHandler {
    return apiKeyTrafficMiddleware(this, options);
  }

  /**
   * Writes everything pending now, after any flush in progress. On failure the counts go back
   * into the batch (nothing lost) and the promise rejects; so it does after `flushTimeoutMs`
   * (the write, if it is still under way, keeps its counts until it has succeeded or failed).
   */
  flush(): Promise<UsageFlushResult> {
    const run = this.flushQueue.then(() => this.flushPending());
    this.flushQueue = run.catch(() => undefined);
    return this.rejectWhenLate(run);
  }

  /**
   * Stops the timer and writes what is pending. Call it on graceful shutdown after the HTTP
   * server stopped taking requests; rejects when the final write fails (the counts stay pending,
   * so another `flush()` may still save them).
   */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  stats(): ApiUsageRecorderStats {
    const waiting = this.batch.totals();
    const writing = sumRequests(this.inFlight);
    return {
      pendingEntries: this.batch.size + this.inFlight.length,
      pendingRequestsIn: waiting.requestsIn + writing.requestsIn,
      pendingRequestsOut: waiting.requestsOut + writing.requestsOut,
      ...this.counters,
    };
  }

  private record(apiKeyId: string, requestsIn: number, requestsOut: number): boolean {
    const count = requestsIn + requestsOut;
    if (!isWellFormedApiKeyId(apiKeyId) || !(Number.isSafeInteger(count) && count > 0)) {
      this.counters.rejectedRecords += 1;
      return false;
    }
    if (!this.batch.add(this.dayClock.dayOf(this.clock()), apiKeyId, requestsIn, requestsOut)) {
      this.counters.refusedForCapacity += 1;
      return false;
    }
    return true;
  }

  private flushOnSchedule(): void {
    // While a write is still running (slow or unreachable database) the tick is skipped rather
    // than queued: the next tick after it ends takes everything at once.
    if (this.flushesRunning > 0) return;
    this.flush().catch(() => {
      // reported through onFlushError; the counts are back in the batch for the next tick
    });
  }

  private rejectWhenLate(run: Promise<UsageFlushResult>): Promise<UsageFlushResult> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const error = new FlushTimeoutError(
          `API usage flush did not finish within ${this.flushTimeoutMs} ms (flushTimeoutMs): the database is not answering`,
        );
        if (this.flushesRunning > 0 && !this.lateReported) {
          this.lateReported = true;
          this.counters.failedFlushes += 1;
          notify(this.options.onFlushError, error);
        }
        reject(error);
      }, this.flushTimeoutMs);
    });
    return Promise.race([run, late]).finally(() => clearTimeout(timer));
  }

  private async flushPending(): Promise<UsageFlushResult> {
    const entries = this.batch.drain();
    if (entries.length === 0) return NOTHING_FLUSHED;
    this.flushesRunning += 1;
    this.inFlight = entries;
    this.lateReported = false;
    try {
      const rowsWritten = await writeUsage(this.pool, entries, this.flushTimeoutMs);
      this.inFlight = [];
      this.counters.flushes += 1;
      this.counters.unknownKeyEntries += entries.length - rowsWritten;
      const result = { entries: entries.length, rowsWritten, ...sumRequests(entries) };
      notify(this.options.onFlush, result);
      return result;
    } catch (error) {
      this.inFlight = [];
      this.batch.restore(entries);
      if (!this.lateReported) {
        this.counters.failedFlushes += 1;
        notify(this.options.onFlushError, error);
      }
      throw error;
    } finally {
      this.flushesRunning -= 1;
    }
  }
}

/** Creates the recorder over the platform's pool; its timer starts flushing right away. */
export function createApiUsageRecorder(pool: Queryable, options: ApiUsageRecorderOptions = {}): ApiUsageRecorder {
  return new ApiUsageRecorder(pool, options);
}

function sumRequests(entries: readonly UsageEntry[]): { requestsIn: number; requestsOut: number } {
  let requestsIn = 0;
  let requestsOut = 0;
  for (const entry of entries) {
    requestsIn += entry.requestsIn;
    requestsOut += entry.requestsOut;
  }
  return { requestsIn, requestsOut };
}

// A throwing callback of the platform's must not break the recorder's bookkeeping.
function notify<Value>(callback: ((value: Value) => void) | undefined, value: Value): void {
  try {
    callback?.(value);
  } catch {
    // ignored on purpose
  }
}
