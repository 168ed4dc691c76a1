// Live mode: the exporter pushes each new snapshot over server-sent events (docs/console.md has
// the event format). The browser's EventSource reconnects by itself after a dropped connection
// (sending Last-Event-ID); a refused connection (any non-200 answer) closes it for good, so this
// client then asks the stream URL once more with fetch to learn why: 401 ends the session, 429 or
// another refusal means "poll instead for a while", no answer at all means "reconnect later".
import { retryAfterSeconds } from '../api/http.ts';
import type { Clock } from './clock.ts';

export const STREAM_URL = '/api/monitoring/stream';
export const SNAPSHOT_EVENT = 'snapshot';

/** The data of a `snapshot` event: every section's body, keyed by section name. */
export interface SnapshotEvent {
  generatedAt: string;
  stale: boolean;
  sections: Record<string, unknown>;
}

export type LiveState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting' }
  | { kind: 'refused'; status: number; retryAfterSeconds: number }
  | { kind: 'signed-out' };

/** What this client uses of the browser's EventSource. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

const CLOSED = 2;
/** Without a Retry-After, a refused stream is tried again after this long (polling meanwhile). */
export const DEFAULT_REFUSAL_RETRY_SECONDS = 60;
const MAX_RECONNECT_DELAY_MS = 30_000;

export type ProbeResult = { status: number; retryAfterSeconds?: number } | 'network';

export interface LiveStreamOptions {
  url?: string;
  openEventSource: (url: string) => EventSourceLike;
  /** the status the stream URL answers right now (or 'network' when nothing answers) */
  probe: (url: string) => Promise<ProbeResult>;
  clock: Clock;
  onSnapshot: (event: SnapshotEvent) => void;
  onState: (state: LiveState) => void;
}

export function isSnapshotEvent(value: unknown): value is SnapshotEvent {
  const event = value as Partial<SnapshotEvent> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.generatedAt === 'string' &&
    typeof event.stale === 'boolean' &&
    typeof event.sections === 'object' &&
    event.sections !== null
  );
}

export class LiveStream {
  private source: EventSourceLike | undefined;
  private timer: unknown;
  private reconnectDelayMs = 1000;
  private stopped = true;
  private readonly url: string;

  constructor(private readonly options: LiveStreamOptions) {
    this.url = options.url ?? STREAM_URL;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.source?.close();
    this.source = undefined;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private connect(): void {
    if (this.stopped) return;
    this.options.onState({ kind: 'connecting' });
    const source = this.options.openEventSource(this.url);
    this.source = source;
    source.onopen = () => {
      this.reconnectDelayMs = 1000;
      this.options.onState({ kind: 'open' });
    };
    source.addEventListener(SNAPSHOT_EVENT, (event) => {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return; // a malformed event is skipped; the next snapshot replaces it
      }
      if (isSnapshotEvent(data)) this.options.onSnapshot(data);
    });
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState !== CLOSED) return this.options.onState({ kind: 'reconnecting' });
      source.close();
      this.source = undefined;
      void this.findOutWhy();
    };
  }

  private async findOutWhy(): Promise<void> {
    const result = await this.options.probe(this.url);
    if (this.stopped) return;
    if (result === 'network') {
      this.options.onState({ kind: 'reconnecting' });
      return this.retryAfter(this.nextReconnectDelay());
    }
    if (result.status === 401) return this.options.onState({ kind: 'signed-out' });
    if (result.status >= 200 && result.status < 300) return this.retryAfter(this.nextReconnectDelay());
    const retryAfterSeconds = result.retryAfterSeconds ?? DEFAULT_REFUSAL_RETRY_SECONDS;
    this.options.onState({ kind: 'refused', status: result.status, retryAfterSeconds });
    this.retryAfter(retryAfterSeconds * 1000);
  }

  private nextReconnectDelay(): number {
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(MAX_RECONNECT_DELAY_MS, this.reconnectDelayMs * 2);
    return delay;
  }

  private retryAfter(ms: number): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, ms);
  }
}

/** The browser's side of LiveStream: a real EventSource, and a fetch that reads only the status. */
export function browserLiveStream(options: Pick<LiveStreamOptions, 'clock' | 'onSnapshot' | 'onState'>): LiveStream {
  return new LiveStream({
    ...options,
    openEventSource: (url) => new EventSource(url) as unknown as EventSourceLike,
    probe: async (url) => {
      const controller = new AbortController();
      try {
        const response = await fetch(url, {
          headers: { Accept: 'text/event-stream' },
          cache: 'no-store',
          credentials: 'same-origin',
          signal: controller.signal,
        });
        return { status: response.status, retryAfterSeconds: retryAfterSeconds(response) };
      } catch {
        return 'network';
      } finally {
        controller.abort(); // the status is all it wanted: do not hold a stream open
      }
    },
  });
}
