import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { startSessionGate } from './embedded-session-gate.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL the ordinary `pg` driver (and Prisma's CLI) connect to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served over the wire protocol on loopback so
 * the exporter, the Prisma CLI and the tests use exactly the code path of a real server.
 * `dataDir` undefined keeps the database in memory (tests); a folder keeps it across runs.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  // PGlite is single-session; the socket server multiplexes client connections over it, behind the gate.
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: 16,
  });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  // Clients reach the session through the gate, one at a time (embedded-session-gate.ts).
  const gate = await startSessionGate({ host: host!, port: Number(port) }, options.port ?? 0);
  return {
    url: `postgresql://postgres@${gate.host}:${gate.port}/postgres?sslmode=disable`,
    async stop() {
      await gate.close();
      await server.stop();
      await db.close();
    },
  };
}
