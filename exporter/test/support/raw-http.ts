import { connect, type Socket } from 'node:net';

export interface RawResponse {
  socket: Socket;
  /** Status code of the response head. */
  status: number;
  /** The response head (status line and headers) as received. */
  head: string;
  /** Body bytes received so far (chunk framing included). */
  bodyBytes(): number;
  /** The body so far as text (chunk framing included). */
  bodyText(): string;
  /** Settles when the server closes the connection (never rejects). */
  closed: Promise<void>;
  /** Whether a chunked body was complete (terminating zero-length chunk seen). */
  complete(): boolean;
}

/**
 * One HTTP/1.1 request on a raw socket, for clients a browser or `fetch` cannot play: one that
 * stops reading (`socket.pause()`), one that reads a trickle, one that sends bytes no client
 * library would. Resolves once the response head has arrived.
 */
export function rawRequest(baseUrl: string, request: string | Buffer, options: { keepBody?: boolean } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  let head: string | undefined;
  let received = Buffer.alloc(0);
  let bodyBytes = 0;
  let tail = '';
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = received.subarray(0, end).toString('latin1');
        const rest = received.subarray(end + 4);
        bodyBytes += rest.length;
        tail = rest.subarray(-16).toString('latin1');
        if (options.keepBody) chunks.push(rest);
        resolve({
          socket,
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
          head,
          bodyBytes: () => bodyBytes,
          bodyText: () => Buffer.concat(chunks).toString('utf8'),
          closed,
          complete: () => tail.endsWith('\r\n0\r\n\r\n'),
        });
        return;
      }
      bodyBytes += chunk.length;
      tail = (tail + chunk.subarray(-16).toString('latin1')).slice(-16);
      if (options.keepBody) chunks.push(chunk);
    });
    void closed.then(() => {
      if (head === undefined) reject(new Error(`connection closed before a response head: ${received.toString('latin1')}`));
    });
    socket.write(request);
  });
}

/** A GET request's bytes with the given headers (Host and Connection: close added). */
export function getRequest(path: string, headers: Record<string, string> = {}): string {
  const lines = [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
