// The test command of every npm script here (`npm test`, `test:faults`, `test:repeat`): node's
// test runner over the given test files or folders (default: all of test/), two files at a time,
// with the spec reporter and the fault matrix summary.
//
//   npm test -w exporter -- [path…]                       once
//   npm run test:repeat -- N [--load] [path…]             N times in a row, to hunt flaky tests;
//                                                         --load keeps every core busy meanwhile
// (test:repeat runs this with --repeated: its first argument is then the number of runs)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm test -w exporter -- [path…] | npm run test:repeat -- N [--load] [path…]';

function testFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (path: string) => {
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else if (path.endsWith('.test.ts')) files.push(path);
  };
  for (const path of paths) visit(path);
  return files.sort();
}

/** Processes that keep every core busy: a loaded machine, as CI often is. */
function startLoad(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/** One run of the test runner; resolves to the names of the tests that failed. */
async function runOnce(files: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kewhats-tests-'));
  const tap = join(dir, 'results.tap');
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=./test/faults/summary-reporter.mjs',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      { stdio: 'inherit' },
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    // Failed tests, not the suites around them (a suite's YAML block says `type: 'suite'`).
    const lines = readFileSync(tap, 'utf8').split('\n');
    const failed = lines.flatMap((line, index) => {
      const name = /^\s*not ok \d+ - (.*)$/.exec(line)?.[1];
      const block = lines.slice(index + 1, lines.indexOf(lines.slice(index + 1).find((next) => next.trim() === '...') ?? '', index + 1));
      return name === undefined || block.some((next) => next.trim() === "type: 'suite'") ? [] : [name];
    });
    return code === 0 ? [] : failed.length > 0 ? failed : [`the test runner exited with code ${code}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readArgs(): ReturnType<typeof parse> {
  try {
    return parse();
  } catch (error) {
    console.error(`${(error as Error).message.split('\n')[0]} — ${USAGE}`);
    process.exit(2);
  }
}
const parse = () =>
  parseArgs({ options: { repeated: { type: 'boolean' }, load: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: true });
const { values, positionals } = readArgs();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const rounds = values.repeated ? Number(positionals.shift()) : 1;
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`the number of runs must be a whole number ≥ 1 — ${USAGE}`);
  process.exit(2);
}
const files = testFiles(positionals.length > 0 ? positionals : ['test']);
if (files.length === 0) {
  console.error(`no *.test.ts files in ${positionals.join(' ')} — ${USAGE}`);
  process.exit(2);
}

const load = values.load ? startLoad() : [];
const failures = new Map<string, number[]>();
try {
  for (let round = 1; round <= rounds; round += 1) {
    if (rounds > 1) console.log(`\n== run ${round} of ${rounds}${values.load ? `, ${load.length} CPU burners running` : ''}`);
    for (const name of await runOnce(files)) failures.set(name, [...(failures.get(name) ?? []), round]);
  }
} finally {
  for (const burner of load) burner.kill();
}
if (rounds > 1) {
  console.log(`\n== ${rounds} runs: ${failures.size === 0 ? 'no test failed' : `${failures.size} test(s) failed at least once`}`);
  for (const [name, failedRounds] of failures) console.log(`  ${name} — failed in run(s) ${failedRounds.join(', ')}`);
}
process.exitCode = failures.size === 0 ? 0 : 1;
