import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** The folder of PostgreSQL's server programs (initdb, pg_ctl), when this machine has them. */
export function postgresServerBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')));
}

/** What to install when a test needs a PostgreSQL server of its own (`npm test` installs it itself). */
const MISSING_SERVER_PROGRAMS =
  'needs PostgreSQL server programs (initdb, pg_ctl) to stop and restart a server of its own; Debian: apt-get install -y postgresql';

export interface PrivatePostgres {
  /** postgresql:// URL of its `postgres` database. */
  url: string;
  port: number;
  /** Fast shutdown (`pg_ctl stop -m fast`): every session gets "terminating connection due to administrator command". */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and deletes its files. */
  destroy(): Promise<void>;
}

type Exec = (program: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

/**
 * A temporary folder for a server's files, owned by the user its programs run as: PostgreSQL
 * refuses to run as root, so as root they run as the `postgres` user.
 */
async function serverFolder(): Promise<{ dir: string; exec: Exec }> {
  const bin = postgresServerBinaries();
  if (!bin) throw new Error(MISSING_SERVER_PROGRAMS);
  const dir = mkdtempSync(join(tmpdir(), 'kewhats-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    chownSync(dir, Number(stdout.trim()), -1);
  }
  const exec: Exec = (program, args) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, program), ...args]) : run(join(bin, program), args);
  return { dir, exec };
}

/** Starts the server whose data folder is `dir`/data on `port`, loopback only, and returns its controls. */
async function startServer(dir: string, port: number, exec: Exec): Promise<PrivatePostgres> {
  const data = join(dir, 'data');
  // Durability settings off: the data is thrown away, and a restart still goes through a real
  // shutdown and start-up of the server.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`;
  const pgCtl = (...args: string[]) => exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', ...args]);
  await pgCtl('start');
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: async () => void (await pgCtl('-m', 'fast', 'stop')),
    start: async () => void (await pgCtl('start')),
    restart: async () => void (await pgCtl('-m', 'fast', 'restart')),
    async destroy() {
      await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, loopback only), for faults
 * the shared server must never suffer (a restart, a server that is down) and for a primary with
 * streaming replicas (initdb's trust set-up already accepts replication connections on loopback).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { dir, exec } = await serverFolder();
  await exec('initdb', ['-A', 'trust', '-U', 'postgres', '-D', join(dir, 'data'), '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  return startServer(dir, await freePort(), exec);
}

/**
 * A hot standby streaming from `primary` (a private server): `pg_basebackup -R -X stream` into a
 * folder of its own, started on another port. It answers reads as soon as this returns; it
 * follows the primary's writes after a replication delay (see `replayedUpTo`).
 */
export async function startStreamingReplica(primary: PrivatePostgres): Promise<PrivatePostgres> {
  const { dir, exec } = await serverFolder();
  await exec('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    join(dir, 'data'),
    '-R',
    '-X',
    'stream',
    '--no-sync',
  ]);
  return startServer(dir, await freePort(), exec);
}
