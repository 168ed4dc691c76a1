import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: prisma.config.ts and prisma/ live there. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// What `prisma migrate deploy` prints once every migration is recorded as applied.
const DONE = /The following migration\(s\) have been applied|All migrations have been successfully applied|No pending migrations to apply/;

/**
 * Applies prisma/migrations with `prisma migrate deploy` (the JavaScript schema engine, no native
 * binary). Asynchronous on purpose: with the embedded database the server runs in this very
 * process and must keep answering while the CLI talks to it.
 *
 * Prisma 6.19's WebAssembly schema engine leaves a 10-second timer running after it has finished,
 * so the CLI lingers; once it has reported success there is nothing left to wait for and it is
 * stopped right away. `configPath` names another Prisma config (tests apply a subset of the migrations).
 */
export function applyMigrations(databaseUrl: string, options: { configPath?: string } = {}): Promise<void> {
  const prismaCli = fileURLToPath(import.meta.resolve('prisma/build/index.js'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'migrate', 'deploy', '--config', options.configPath ?? 'prisma.config.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let succeeded = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (!succeeded && DONE.test(output)) {
        succeeded = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => reject(new Error(`database migration failed: cannot run the Prisma CLI (${error.message})`)));
    child.on('close', (code) => {
      if (succeeded || code === 0) return resolve();
      const reason = output.split('\n').find((line) => line.startsWith('Error:')) ?? `prisma exited with code ${code}`;
      reject(new Error(`database migration failed: ${reason.replace(/^Error:\s*/, '').trim()}`));
    });
  });
}
