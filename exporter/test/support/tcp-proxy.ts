import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** The database URL rewritten to go through the proxy. */
  url: string;
  /** Cuts every connection (held ones too) and refuses new ones: the database is "down". */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  /**
   * Stops forwarding bytes without closing anything, for open and new connections alike: the
   * database "hangs" (a stalled network path, a frozen server). TCP stays up, so neither side
   * sees an error; only a timeout can tell.
   */
  hang(): void;
  /** Forwards again whatever was held back, in order. */
  resume(): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
  /** Deep-buffer mode: the server's bytes, queued for the client without back-pressure. */
  relay: (chunk: Buffer) => void;
}

export interface TcpProxyOptions {
  /**
   * Reads everything the server sends at once and queues it for the client however slowly the
   * client reads, like a long network path with deep buffers: the server finishes a large reply
   * (and may die afterwards) while the client is still far behind.
   */
  deepBuffers?: boolean;
}

/**
 * A loopback TCP proxy in front of a database, to simulate an outage for real: the pool's
 * sockets die and new connections are refused, exactly as when the server goes away.
 */
export async function startTcpProxy(databaseUrl: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  const links = new Set<Link>();
  let down = false;
  let hung = false;

  const forward = ({ client, upstream, relay }: Link) => {
    client.pipe(upstream);
    if (!options.deepBuffers) return void upstream.pipe(client);
    upstream.on('data', relay);
    upstream.resume();
  };
  // Unpiped and paused, the bytes wait in the kernel's buffers: nothing is lost or reordered.
  const hold = ({ client, upstream, relay }: Link) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    upstream.off('data', relay);
    client.pause();
    upstream.pause();
  };

  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    const link: Link = { client, upstream, relay: (chunk) => void client.write(chunk) };
    if (options.deepBuffers) upstream.on('end', () => client.end());
    links.add(link);
    for (const socket of [client, upstream]) {
      socket.on('close', () => links.delete(link));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    if (hung) hold(link);
    else forward(link);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  const destroyAll = () => {
    for (const { client, upstream } of links) {
      client.destroy();
      upstream.destroy();
    }
  };
  return {
    url: proxied.toString(),
    cut() {
      down = true;
      hung = false;
      destroyAll();
    },
    restore() {
      down = false;
    },
    hang() {
      if (hung) return;
      hung = true;
      for (const link of links) hold(link);
    },
    resume() {
      if (!hung) return;
      hung = false;
      for (const link of links) forward(link);
    },
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}
