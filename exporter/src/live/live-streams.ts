import type { Response } from 'express';
import type { Logger } from 'pino';
import { errorFields } from '../logger.js';
import type { Snapshot, SnapshotService, SnapshotView } from '../snapshot/snapshot-service.js';
import { HEARTBEAT, snapshotEvent, STREAM_PREAMBLE } from './snapshot-event.js';

/** How often every open stream gets a heartbeat comment, so proxies keep idle connections. */
export const HEARTBEAT_INTERVAL_MS = 15_000;

/**
 * How often the credentials behind open streams are checked again. A stream is one long request:
 * its session may end (sign-out, revocation on any replica, idle or absolute expiry) or its token
 * expire while it is open, and it is closed within this interval.
 */
export const STREAM_RECHECK_INTERVAL_MS = 10_000;

/** A client that reads less than it is sent (bytes queued in the exporter) is cut beyond this. */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** While the database does not answer, the ticker asks again this often (as the snapshot's own back-off). */
const RETRY_DELAY_MS = 5_000;

export interface LiveStreamClient {
  res: Response;
  /** whose credential the stream is on (an account, or the machine token): at most maxPerHolder each */
  holder: string;
  /** streams with one key share one credential check (a session id; a unique key otherwise) */
  credentialKey: string;
  /** false when the credential is no longer good (the stream ends); throws when that cannot be known */
  stillAllowed(): Promise<boolean>;
}

interface OpenStream extends LiveStreamClient {
  /** generatedAt and stale of the last snapshot event sent */
  lastSent?: string;
}

export interface LiveStreamsOptions {
  snapshots: SnapshotService;
  /** the sections whose bodies each event carries, in the catalogue's order */
  sectionNames: readonly string[];
  /** REFRESH_INTERVAL_SECONDS, in ms: while a stream is open a new snapshot is made this often */
  intervalMs: number;
  /** LIVE_STREAM_MAX */
  max: number;
  /** LIVE_STREAM_MAX_PER_USER: so one account's tabs (or one script) cannot take every stream */
  maxPerHolder: number;
  logger: Logger;
  /** tests shorten these */
  heartbeatIntervalMs?: number;
  recheckIntervalMs?: number;
}

const viewKey = (view: SnapshotView) => `${view.snapshot.generatedAt.toISOString()}|${view.stale}`;

/**
 * The open live streams (GET /api/monitoring/stream, docs/console.md). While at least one is
 * open, a ticker keeps the snapshot refreshed every interval and every new snapshot is pushed to
 * every stream, encoded once; heartbeats and credential re-checks run on their own timers. With
 * no stream open nothing runs: no timer, no snapshot listener.
 */
export class LiveStreams {
  private readonly streams = new Set<OpenStream>();
  private readonly heartbeatIntervalMs: number;
  private readonly recheckIntervalMs: number;
  private heartbeatTimer?: NodeJS.Timeout;
  private recheckTimer?: NodeJS.Timeout;
  private refreshTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private rechecking = false;
  private closed = false;
  /** the last event encoded, reused for every stream */
  private encoded?: { key: string; text: string };

  constructor(private readonly options: LiveStreamsOptions) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.recheckIntervalMs = options.recheckIntervalMs ?? STREAM_RECHECK_INTERVAL_MS;
  }

  get size(): number {
    return this.streams.size;
  }

  get max(): number {
    return this.options.max;
  }

  get isFull(): boolean {
    return this.streams.size >= this.options.max;
  }

  get maxPerHolder(): number {
    return this.options.maxPerHolder;
  }

  /** Whether `holder` has as many streams open as one holder may. */
  holdsMax(holder: string): boolean {
    let held = 0;
    for (const stream of this.streams) if (stream.holder === holder) held += 1;
    return held >= this.options.maxPerHolder;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether the ticker, heartbeats and re-checks run (only while a stream is open). */
  get running(): boolean {
    return this.unsubscribe !== undefined;
  }

  /**
   * Turns a response into a stream: the headers, the reconnection delay, and the current snapshot
   * at once unless the client says it has it (its Last-Event-ID; a stale snapshot is sent anyway,
   * so a client that reconnects during an outage learns that it is stale).
   */
  open(client: LiveStreamClient, view: SnapshotView, lastEventId: string | undefined): void {
    const { res } = client;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 30_000);
    const stream: OpenStream = { ...client };
    this.streams.add(stream);
    res.on('close', () => this.remove(stream));
    this.write(stream, STREAM_PREAMBLE);
    const upToDate = lastEventId === view.snapshot.generatedAt.toISOString() && !view.stale;
    if (upToDate) stream.lastSent = viewKey(view);
    else this.send(stream, view);
    if (this.streams.size === 1) this.start(view);
  }

  /** Ends every stream and refuses new ones (shutdown): browsers reconnect, to another replica if there is one. */
  closeAll(): void {
    this.closed = true;
    for (const stream of this.streams) stream.res.end();
    this.streams.clear();
    this.stop();
  }

  private start(view: SnapshotView): void {
    this.unsubscribe = this.options.snapshots.onSnapshot((snapshot) => this.onSnapshot(snapshot));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.heartbeatIntervalMs).unref();
    this.recheckTimer = setInterval(() => void this.recheck(), this.recheckIntervalMs).unref();
    this.scheduleRefresh(view);
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.recheckTimer);
    clearTimeout(this.refreshTimer);
    this.heartbeatTimer = this.recheckTimer = this.refreshTimer = undefined;
    this.encoded = undefined;
  }

  private remove(stream: OpenStream): void {
    if (this.streams.delete(stream) && this.streams.size === 0) this.stop();
  }

  private onSnapshot(snapshot: Snapshot): void {
    const view = { snapshot, stale: false };
    this.broadcast(view);
    this.scheduleRefresh(view);
  }

  /**
   * The next tick comes when the snapshot on hand expires, so `current()` refreshes it (and the
   * listener pushes it); while the database is down, on the snapshot service's back-off, so a
   * change of `stale` is pushed too.
   */
  private scheduleRefresh(view: SnapshotView | undefined): void {
    clearTimeout(this.refreshTimer);
    if (this.streams.size === 0) return;
    const { intervalMs } = this.options;
    const delay =
      !view || view.stale
        ? Math.min(intervalMs, RETRY_DELAY_MS)
        : // never sooner than a second (or the interval): a snapshot dated by a pinned clock looks expired at once
          Math.max(Math.min(intervalMs, 1_000), view.snapshot.generatedAt.getTime() + intervalMs - Date.now() + 1);
    this.refreshTimer = setTimeout(() => void this.tick(), delay).unref();
  }

  private async tick(): Promise<void> {
    let view: SnapshotView | undefined;
    try {
      view = await this.options.snapshots.current();
    } catch {
      view = undefined; // no snapshot at all yet: try again later
    }
    if (this.streams.size === 0) return;
    if (view) this.broadcast(view);
    this.scheduleRefresh(view);
  }

  private broadcast(view: SnapshotView): void {
    for (const stream of this.streams) this.send(stream, view);
  }

  private send(stream: OpenStream, view: SnapshotView): void {
    const key = viewKey(view);
    if (stream.lastSent === key) return;
    if (this.encoded?.key !== key) this.encoded = { key, text: snapshotEvent(view, this.options.sectionNames) };
    stream.lastSent = key;
    this.write(stream, this.encoded.text);
  }

  private heartbeat(): void {
    for (const stream of this.streams) this.write(stream, HEARTBEAT);
  }

  private write(stream: OpenStream, text: string): void {
    const { res } = stream;
    if (res.destroyed || res.writableEnded) return;
    if (res.writableLength > MAX_QUEUED_BYTES) return void res.destroy();
    res.write(text);
  }

  /** Checks each credential once, however many streams it holds open; a failed check keeps them open. */
  private async recheck(): Promise<void> {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      const byCredential = new Map<string, OpenStream[]>();
      for (const stream of this.streams) byCredential.set(stream.credentialKey, [...(byCredential.get(stream.credentialKey) ?? []), stream]);
      for (const streams of byCredential.values()) {
        let allowed: boolean;
        try {
          allowed = await streams[0]!.stillAllowed();
        } catch (error) {
          this.options.logger.warn(errorFields(error), 'live stream credential check failed');
          continue;
        }
        if (!allowed) for (const stream of streams) stream.res.end();
      }
    } finally {
      this.rechecking = false;
    }
  }
}
