import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A server-sent-events response read as it arrives: its events, comments and retry field. */
export interface EventStream {
  status: number;
  headers: Headers;
  events: EventSourceMessage[];
  comments: string[];
  retryMs?: number;
  /** the error body when the server refused the stream */
  refusal?: unknown;
  /** waits for the first event (from the start) that satisfies `accept`, or fails after `timeoutMs` */
  nextEvent(accept?: (event: EventSourceMessage) => boolean, timeoutMs?: number): Promise<EventSourceMessage>;
  /** waits until `count` comments have arrived */
  waitForComments(count: number, timeoutMs?: number): Promise<void>;
  /** resolves when the server ends the stream */
  ended: Promise<void>;
  close(): void;
}

/** Opens GET `url` as an event stream, as a browser's EventSource would (without reconnecting). */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((waiter) => waiter());
  const stream: EventStream = {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    ended: Promise.resolve(),
    nextEvent: (accept = () => true, timeoutMs = 15_000) => waitFor(() => events.find(accept), timeoutMs, `an event (${events.length} so far)`),
    waitForComments: async (count, timeoutMs = 15_000) => {
      await waitFor(() => (comments.length >= count ? true : undefined), timeoutMs, `${count} comments (${comments.length} so far)`);
    },
    close: () => controller.abort(),
  };
  let ended = false;
  const waitFor = <T>(found: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        } else if (ended) {
          cleanup();
          reject(new Error(`the stream ended before ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  if (!response.ok) {
    stream.refusal = await response.json().catch(() => undefined);
    ended = true;
    return stream;
  }
  const parser = createParser({
    onEvent: (event) => {
      events.push(event);
      notify();
    },
    onComment: (comment) => {
      comments.push(comment);
      notify();
    },
    onRetry: (ms) => {
      stream.retryMs = ms;
    },
  });
  stream.ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      // aborted by close(), or the connection was cut
    } finally {
      ended = true;
      notify();
    }
  })();
  return stream;
}
