// Every npm command the README and docs/ show works as written, from the repository root. Each
// is checked one of three ways: run for real (on a scratch database), run with `--help` appended
// (the CLI checks the flags it was given, prints its usage and what it would do), or left to the
// step that runs it anyway (CI's own commands, the builds other tests run). A command the docs
// gain without a way of checking it here fails the first test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const DOCUMENTS = [
  'README.md',
  'provisioning/README.md',
  'grafana-plugin/README.md',
  ...readdirSync(join(REPO, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** Scripts whose documented commands are run with --help appended. */
const WITH_HELP = new Set(['bench', 'db:generate', 'user:role', 'keys:generate', 'test:repeat']);
/** Scripts run for real below. */
const FOR_REAL = new Set(['start', 'db:migrate', 'db:seed', 'grafana:check', 'aggregates:verify']);
/** Commands CI (.ci/run) runs itself on every clean clone, as written there. */
const RUN_BY_CI: Record<string, string> = {
  'npm install': 'npm ci',
  'npm ci': 'npm ci',
  'npm test': 'npm test',
  'npm run typecheck': 'npm run typecheck',
  'npm run lint': 'npm run lint',
};
/** Builds other tests run: the exporter's by the plain-node import test, the plugin's by its own test script. */
const BUILT_BY_OTHER_TESTS = new Set(['npm run build', 'npm run build -w exporter', 'npm run build -w grafana-plugin']);
/**
 * Generators whose output is committed: other tests compare the committed files with what the
 * generator code produces (dashboards and plugin.json, the console's icon module) or build it
 * themselves (the console); `grafana:check` is run for real below.
 */
const CHECKED_BY_COMMITTED_FILE_TESTS = new Set([
  'npm run grafana:generate -w exporter',
  'npm run console:icons -w exporter',
  'npm run console:build -w exporter',
  // Prettier's rewrite: `npm run lint` checks that every committed file is already what it writes.
  'npm run format -w exporter',
]);
/** Workspace scripts that `npm test` runs (and so CI). */
const PART_OF_NPM_TEST = new Set(['npm test -w exporter', 'npm run test:faults']);

/** Stand-ins for the docs' placeholders. */
const PLACEHOLDERS: Record<string, string> = { N: '1', '…': 'someone@example.com', DIR: '/tmp/kewhats-docs-keys', NEWDIR: '/tmp/kewhats-docs-keys' };

interface Documented {
  command: string;
  where: string;
  script: string;
  workspace?: string;
  args: string[];
}

/**
 * `npm …` commands in the code of a Markdown document (inline code and code blocks), also where
 * another command runs them (`docker compose run --rm migrate npm run …`).
 */
function npmCommands(markdown: string): string[] {
  const code = [...markdown.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const inline = markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g);
  return [...code, ...[...inline].map((match) => match[1]!)]
    .flatMap((text) => text.split('\n'))
    .map((line) => line.replace(/\s#.*$/, ''))
    .flatMap((line) => line.split('&&'))
    .map((part) => /(?:^|\s)(npm (?:run|start|test|ci|install)(?:\s.*)?)$/.exec(part.trim())?.[1]?.replace(/\s+/g, ' '))
    .filter((part): part is string => part !== undefined);
}

function parse(command: string, where: string): Documented {
  const words = command.split(' ').slice(1);
  const dashes = words.indexOf('--');
  const head = dashes < 0 ? words : words.slice(0, dashes);
  const args = dashes < 0 ? [] : words.slice(dashes + 1).map((word) => PLACEHOLDERS[word] ?? word);
  const workspaceAt = head.indexOf('-w');
  const workspace = workspaceAt < 0 ? undefined : head[workspaceAt + 1];
  const script = head[0] === 'run' ? head[1]! : head[0]!;
  return { command, where, script, workspace, args };
}

const documented: Documented[] = DOCUMENTS.flatMap((document) =>
  npmCommands(readFileSync(join(REPO, document), 'utf8')).map((command) => parse(command, document)),
);

function scriptsOf(workspace: string | undefined): Record<string, string> {
  return JSON.parse(readFileSync(join(REPO, workspace ?? '', 'package.json'), 'utf8')).scripts;
}

/** Runs an npm command from the repository root; the whole process group is ended afterwards. */
function npm(
  args: string[],
  env: Record<string, string>,
  until?: (stdout: string) => boolean,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd: REPO, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const stopGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (until?.(stdout)) stopGroup();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('documented commands', () => {
  test('every npm command in the README and docs names a script that exists and has a check here', () => {
    assert.ok(documented.length > 10, `found ${documented.length} commands`);
    const ciScript = readFileSync(join(REPO, '.ci/run'), 'utf8');
    for (const { command, where, script, workspace } of documented) {
      if (!['install', 'ci'].includes(script))
        assert.ok(scriptsOf(workspace)[script], `${where}: \`${command}\`: no script "${script}" in ${workspace ?? 'the root'} package.json`);
      const bare = command.split(' -- ')[0]!;
      const ci = RUN_BY_CI[bare];
      if (ci) assert.ok(ciScript.includes(ci), `${where}: \`${command}\`: .ci/run should run \`${ci}\``);
      const checked =
        WITH_HELP.has(script) ||
        FOR_REAL.has(script) ||
        ci ||
        BUILT_BY_OTHER_TESTS.has(bare) ||
        PART_OF_NPM_TEST.has(bare) ||
        CHECKED_BY_COMMITTED_FILE_TESTS.has(bare);
      assert.ok(checked, `${where}: \`${command}\` has no check in this test: add its script to one of the sets above`);
    }
  });

  describe('commands that take flags, with --help: the flags arrive and are valid', () => {
    const commands = [...new Map(documented.filter((entry) => WITH_HELP.has(entry.script)).map((entry) => [entry.command, entry])).values()];
    for (const { command, where, script, workspace, args } of commands) {
      test(`${command} (${where})`, async () => {
        const run = await npm(['run', script, ...(workspace ? ['-w', workspace] : []), '--', ...args, '--help'], {});
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /^usage: /m, run.stdout);
      });
    }
  });

  test('npm run grafana:check -w exporter: the committed Grafana files are up to date', async () => {
    const check = await npm(['run', 'grafana:check', '-w', 'exporter'], {});
    assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
    assert.match(check.stdout, /up to date/);
  });

  describe('commands that run for real, on a scratch database', () => {
    let db: TestDatabase;
    let dataDir: string;
    before(async () => {
      db = await createTestDatabase({ migrate: false });
      dataDir = mkdtempSync(join(tmpdir(), 'kewhats-demo-'));
    });
    after(async () => {
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('npm run db:migrate, then npm run db:seed', async () => {
      const migrate = await npm(['run', 'db:migrate'], { DATABASE_URL: db.url });
      assert.equal(migrate.code, 0, migrate.stderr);
      assert.match(migrate.stdout, /migrations applied/);
      const seed = await npm(['run', 'db:seed'], { DATABASE_URL: db.url });
      assert.equal(seed.code, 0, seed.stderr);
      assert.match(seed.stdout, /demo seed done/);
    });

    test('npm run aggregates:verify, and with -- --repair, on the seeded database', async () => {
      for (const args of [[], ['--', '--repair']]) {
        const verify = await npm(['run', 'aggregates:verify', ...args], { DATABASE_URL: db.url });
        assert.equal(verify.code, 0, `${verify.stdout}\n${verify.stderr}`);
        assert.match(verify.stdout, /^no drift; verified in \d+ ms$/m);
      }
    });

    test('npm start with DATABASE_URL: the exporter listens', async () => {
      const start = await npm(['start'], { DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'info' }, (stdout) => stdout.includes('exporter listening'));
      assert.match(start.stdout, /"msg":"exporter listening"/, start.stderr);
    });

    test('npm start without DATABASE_URL: the demo starts on its embedded database', async () => {
      const start = await npm(['start'], { DATABASE_URL: '', PORT: '0', LOG_LEVEL: 'info', KEWHATS_DATA_DIR: dataDir }, (stdout) =>
        stdout.includes('exporter listening'),
      );
      assert.match(start.stdout, /"msg":"exporter listening"/, start.stderr);
      assert.match(start.stdout, /"demo":true/);
    });
  });
});
