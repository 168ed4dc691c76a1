// The bench's output: one table on stdout, the raw figures as JSON under test-artifacts/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/db/migrate.js';

export type Verdict = 'PASS' | 'FAIL' | 'info' | 'skipped';

export interface ReportRow {
  /** The data scale it was measured at ('' for parts on scratch databases of their own). */
  scale?: string;
  measure: string;
  result: string;
  /** The floor or the peer it is compared with. */
  reference: string;
  target: string;
  verdict: Verdict;
}

export const RESULTS_DIR = join(PROJECT_ROOT, 'test-artifacts', 'bench');

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
export const perSecond = (value: number, unit: string) => `${Math.round(value).toLocaleString('en')} ${unit}/s`;
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const verdict = (ok: boolean): Verdict => (ok ? 'PASS' : 'FAIL');

export function formatTable(rows: readonly ReportRow[]): string {
  const headers: ReportRow = {
    scale: 'scale',
    measure: 'measure',
    result: 'KeWhats exporter',
    reference: 'floor / peer',
    target: 'target',
    verdict: 'info',
  };
  const columns = ['scale', 'measure', 'result', 'reference', 'target', 'verdict'] as const;
  const cell = (row: ReportRow, column: (typeof columns)[number]) => (row === headers && column === 'verdict' ? 'verdict' : (row[column] ?? ''));
  const widths = columns.map((column) => Math.max(...[headers, ...rows].map((row) => cell(row, column).length)));
  const line = (row: ReportRow) => columns.map((column, index) => cell(row, column).padEnd(widths[index]!)).join(' | ');
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

/**
 * Writes bench-results.json (the latest run) and, for a run of every part,
 * bench-results-scale-<scales>.json (e.g. scale-1-5-10), which a partial run (--only) must not overwrite.
 */
export function writeResults(scales: readonly number[], results: object, complete: boolean): string[] {
  const scale = scales.join('-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = `${JSON.stringify(results, null, 2)}\n`;
  const files = [join(RESULTS_DIR, 'bench-results.json')];
  if (complete) files.push(join(RESULTS_DIR, `bench-results-scale-${scale}.json`));
  for (const file of files) writeFileSync(file, text);
  return files;
}
