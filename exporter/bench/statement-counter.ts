// Counts the SQL statements a process sends, on the wire: a loopback proxy in front of the
// database that reads the frontend protocol and counts Query ('Q', simple protocol) and Execute
// ('E', extended protocol) messages. Exact, immediate (no statistics flush delay), and the same
// for a PostgreSQL server and PGlite.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

const QUERY = 'Q'.charCodeAt(0);
const EXECUTE = 'E'.charCodeAt(0);
// Startup-phase requests after which another startup-phase message follows.
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;

export interface StatementCounter {
  /** The database URL rewritten to go through the proxy. */
  url: string;
  statements(): number;
  close(): Promise<void>;
}

/** Parses one client→server stream just enough to find message boundaries and types. */
function frontendParser(onStatement: () => void): (chunk: Buffer) => void {
  let startup = true;
  let header = Buffer.alloc(0);
  let skip = 0;
  return (chunk) => {
    let offset = 0;
    while (offset < chunk.length) {
      if (skip > 0) {
        const skipped = Math.min(skip, chunk.length - offset);
        skip -= skipped;
        offset += skipped;
        continue;
      }
      // Startup messages have no type byte: length and protocol code; later ones: type and length.
      const need = startup ? 8 : 5;
      const take = Math.min(need - header.length, chunk.length - offset);
      header = Buffer.concat([header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (header.length < need) break;
      if (startup) {
        skip = header.readInt32BE(0) - 8;
        const code = header.readInt32BE(4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
      } else {
        skip = header.readInt32BE(1) - 4;
        if (header[0] === QUERY || header[0] === EXECUTE) onStatement();
      }
      header = Buffer.alloc(0);
    }
  };
}

export async function startStatementCounter(databaseUrl: string): Promise<StatementCounter> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let statements = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on(
      'data',
      frontendParser(() => (statements += 1)),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    statements: () => statements,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
