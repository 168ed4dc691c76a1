import net, { type AddressInfo } from 'node:net';

/**
 * PGlite is a single PostgreSQL session, shared by every connection its socket server accepts, and
 * that server queues each protocol message on its own: outside a transaction, two connections'
 * extended-protocol batches (Parse, Bind, Execute, Sync) interleave and bind against each other's
 * unnamed statement ("bind message supplies 1 parameters, but prepared statement "" requires 2",
 * or silently wrong rows; electric-sql/pglite#1046). This gate, in front of that server, gives the
 * session to one connection at a time: from its first message until PostgreSQL is ready for a
 * query again outside a transaction, with nothing of that connection's left unanswered. The
 * others' bytes wait, in arrival order.
 */
export interface SessionGate {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** First-come, first-served ownership of the one session. */
class Turns {
  private holder: object | undefined;
  private readonly waiting: Array<{ owner: object; start: () => void }> = [];

  request(owner: object, start: () => void): void {
    if (this.holder === undefined) {
      this.holder = owner;
      start();
    } else this.waiting.push({ owner, start });
  }

  release(owner: object): void {
    const index = this.waiting.findIndex((entry) => entry.owner === owner);
    if (index >= 0) this.waiting.splice(index, 1);
    if (this.holder !== owner) return;
    const next = this.waiting.shift();
    this.holder = next?.owner;
    next?.start();
  }
}

const SSL_REQUEST_CODE = 80877103;
const GSS_REQUEST_CODE = 80877104;

/**
 * Splits a PostgreSQL protocol stream into messages: typed messages (a type byte, then an int32
 * length that counts itself), preceded on the client side by untyped start-up messages.
 */
class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private untyped: boolean) {}

  /** The complete messages in the stream so far, as [type, body]; type '' for an untyped one. */
  push(chunk: Buffer): Array<[string, Buffer]> {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const messages: Array<[string, Buffer]> = [];
    for (;;) {
      const offset = this.untyped ? 0 : 1;
      if (this.buffer.length < offset + 4) break;
      const size = offset + this.buffer.readInt32BE(offset);
      if (this.buffer.length < size) break;
      const type = this.untyped ? '' : String.fromCharCode(this.buffer[0]!);
      const body = this.buffer.subarray(offset + 4, size);
      // After the start-up message proper (not an SSL/GSS request), every message is typed.
      if (this.untyped && !(body.length === 4 && [SSL_REQUEST_CODE, GSS_REQUEST_CODE].includes(body.readInt32BE(0)))) this.untyped = false;
      messages.push([type, body]);
      this.buffer = this.buffer.subarray(size);
    }
    return messages;
  }
}

/** Starts the gate on loopback `port` (0: a free one) in front of the socket server at `upstream`. */
export async function startSessionGate(upstream: { host: string; port: number }, port = 0): Promise<SessionGate> {
  const turns = new Turns();
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const owner = {};
    const backend = net.connect(upstream.port, upstream.host);
    sockets.add(client).add(backend);
    const fromClient = new MessageReader(true);
    let serverBytesToSkip = 0; // the one-byte answer to an SSL/GSS request is not a message
    const fromServer = new MessageReader(false);
    let holding = false;
    let requested = false;
    let pending: Buffer[] = [];
    // Requests sent or waiting (the start-up message, each Sync and simple Query) not yet answered by ReadyForQuery.
    let unanswered = 0;

    const forward = () => {
      holding = true;
      requested = false;
      for (const chunk of pending) backend.write(chunk);
      pending = [];
    };
    const end = () => {
      turns.release(owner);
      client.destroy();
      backend.destroy();
      sockets.delete(client);
      sockets.delete(backend);
    };

    client.on('data', (chunk: Buffer) => {
      for (const [type, body] of fromClient.push(chunk)) {
        if (type === '' && body.length === 4 && [SSL_REQUEST_CODE, GSS_REQUEST_CODE].includes(body.readInt32BE(0))) serverBytesToSkip += 1;
        else if (type === '' || type === 'S' || type === 'Q') unanswered += 1;
      }
      if (holding) backend.write(chunk);
      else {
        pending.push(chunk);
        if (!requested) {
          requested = true;
          turns.request(owner, forward);
        }
      }
    });
    backend.on('data', (chunk: Buffer) => {
      client.write(chunk);
      let rest = chunk;
      if (serverBytesToSkip > 0) {
        const skipped = Math.min(serverBytesToSkip, rest.length);
        serverBytesToSkip -= skipped;
        rest = rest.subarray(skipped);
      }
      for (const [type, body] of fromServer.push(rest)) {
        if (type !== 'Z') continue;
        unanswered -= 1;
        // 'I': idle, outside a transaction. In one ('T') or a failed one ('E'), the session stays this connection's.
        if (unanswered === 0 && body[0] === 'I'.charCodeAt(0) && holding) {
          holding = false;
          turns.release(owner);
        }
      }
    });
    client.on('close', end);
    backend.on('close', end);
    client.on('error', end);
    backend.on('error', end);
  });
  server.listen(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
