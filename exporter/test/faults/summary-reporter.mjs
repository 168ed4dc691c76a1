// A node:test reporter that prints the fault matrix: one row per check of test/faults, as a
// Markdown table, so docs/reliability.md can show the latest run as printed. Used next to the
// spec reporter by `npm test` and `npm run test:faults`; other files' results are ignored.
// Plain JavaScript: node:test loads reporters before `--import tsx` is in effect.
import { relative, sep } from 'node:path';

/**
 * @typedef {{ file: string, suite?: string, name: string, nesting: number,
 *   outcome: 'survived' | 'FAILED' | 'skipped', detail: string, ms: number }} Check
 */

// Suites with more checks than this are summed up in one row (their failures still named).
const ROWS_PER_SUITE = 6;

/** @param {string | undefined} file */
const isFaultFile = (file) => Boolean(file && file.includes(`${sep}test${sep}faults${sep}`));
/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
/** @param {string} text */
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

/** @param {Check[]} checks */
function rows(checks) {
  /** @type {Map<string, Check[]>} */
  const bySuite = new Map();
  for (const check of checks) {
    const key = `${check.file}\u0000${check.suite ?? ''}`;
    bySuite.set(key, [...(bySuite.get(key) ?? []), check]);
  }
  const lines = [];
  for (const suiteChecks of bySuite.values()) {
    const first = suiteChecks[0];
    const fault = (first.suite ?? relative(process.cwd(), first.file)).replace(/^fault: /, '');
    if (suiteChecks.length <= ROWS_PER_SUITE) {
      for (const check of suiteChecks) {
        lines.push(
          `| ${cell(fault)} | ${cell(check.name)} | ${check.outcome}${check.detail ? `: ${cell(check.detail)}` : ''} | ${seconds(check.ms)} |`,
        );
      }
      continue;
    }
    const failed = suiteChecks.filter((check) => check.outcome !== 'survived');
    const ms = suiteChecks.reduce((sum, check) => sum + check.ms, 0);
    const outcome = failed.length === 0 ? 'survived' : `FAILED: ${failed.map((check) => cell(check.name)).join('; ')}`;
    lines.push(`| ${cell(fault)} | ${suiteChecks.length} checks, each as expected | ${outcome} | ${seconds(ms)} |`);
  }
  return lines;
}

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* faultSummary(source) {
  /** @type {Check[]} */
  const checks = [];
  /** @type {Map<string, Check>} */
  const lastByFile = new Map();
  for await (const { type, data } of source) {
    if (!isFaultFile(data.file)) continue;
    if (type === 'test:diagnostic') {
      const last = lastByFile.get(data.file);
      if (last && data.nesting === last.nesting && data.message) last.detail = last.detail ? `${last.detail}; ${data.message}` : data.message;
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    if (data.details?.type === 'suite') {
      // A suite reports after its tests: its name goes to the checks one level below it.
      for (const check of checks) {
        if (check.file === data.file && check.nesting === data.nesting + 1 && check.suite === undefined) check.suite = data.name;
      }
      continue;
    }
    const error = data.details?.error;
    /** @type {Check} */
    const check = {
      file: data.file,
      name: data.name,
      nesting: data.nesting,
      outcome: type === 'test:fail' ? 'FAILED' : data.skip ? 'skipped' : 'survived',
      detail:
        type === 'test:fail' ? String(error?.cause?.message ?? error?.message ?? '').split('\n')[0] : typeof data.skip === 'string' ? data.skip : '',
      ms: data.details?.duration_ms ?? 0,
    };
    checks.push(check);
    lastByFile.set(data.file, check);
  }
  if (checks.length === 0) return;
  const survived = checks.filter((check) => check.outcome === 'survived').length;
  yield [
    '',
    `Fault matrix: ${survived} of ${checks.length} checks survived`,
    '',
    '| fault | check | result | time |',
    '|---|---|---|---|',
    ...rows(checks),
    '',
  ].join('\n');
}
