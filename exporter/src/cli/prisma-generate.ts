// `npm run prisma:generate` (run by start, test, typecheck, build and the CLIs): `prisma generate`
// for the exporter's Prisma client, skipped when the client in src/generated/prisma was generated
// from the same schema and config by the same Prisma version. Besides saving two seconds a run,
// this keeps one command from rewriting the client while another process is loading it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROJECT_ROOT } from '../db/migrate.js';

const OUTPUT = fileURLToPath(new URL('../generated/prisma/', import.meta.url));
const STAMP = join(OUTPUT, '.generated-from');
const prismaCli = fileURLToPath(import.meta.resolve('prisma/build/index.js'));
const prismaVersion = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('prisma/package.json')), 'utf8')).version as string;

const fingerprint = createHash('sha256')
  .update(prismaVersion)
  .update(readFileSync(join(PROJECT_ROOT, 'prisma/schema.prisma')))
  .update(readFileSync(join(PROJECT_ROOT, 'prisma.config.ts')))
  .digest('hex');

const upToDate = existsSync(join(OUTPUT, 'client.ts')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === fingerprint;
if (!upToDate) {
  // `prisma generate` never connects, but without a DATABASE_URL Prisma 6 reaches for a native
  // engine on its vendor host; any URL keeps it on the WebAssembly path.
  const child = spawn(process.execPath, [prismaCli, 'generate', '--config', 'prisma.config.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL || 'postgresql://localhost/unused',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) {
    console.error(output.trim());
    process.exit(1);
  }
  writeFileSync(STAMP, `${fingerprint}\n`);
}
