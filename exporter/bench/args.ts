// Flags of `npm run bench`; parsed apart from the runner so a typo fails before any work starts.
import { parseArgs } from 'node:util';
import { MAX_SCALE } from '../src/demo/synthetic-data.js';

/**
 * Parts, each runnable alone with --only. `refresh` runs at every scale of --scales; `revenue`,
 * `http`, `export` and `viewers` at the target scale (targetScale); the rest bring their own
 * scratch databases and run once.
 */
export const BENCH_PARTS = ['refresh', 'revenue', 'http', 'export', 'viewers', 'writes', 'exactness', 'tracking', 'console'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

/** Parts that read the scale data of kewhats_bench_<scale>. */
export const SCALE_PARTS: ReadonlySet<BenchPart> = new Set(['refresh', 'revenue', 'http', 'export', 'viewers']);
/** Parts measured at one scale only (the targets' scale), not at every scale of --scales. */
export const TARGET_SCALE_PARTS: ReadonlySet<BenchPart> = new Set(['revenue', 'http', 'export', 'viewers']);

/** The scales the targets need: the refresh at 1, 5 and 10 (flat), everything else at 5. */
export const DEFAULT_SCALES: readonly number[] = [1, 5, 10];
/** The scale the speed targets are set for. */
export const TARGET_SCALE = 5;

export interface BenchArgs {
  /** Synthetic data scales, ascending, no duplicates: 1 ≈ 10k users, 2M messages, 1M contacts. */
  scales: number[];
  /** A database to benchmark as is (never generated into unless empty, never dropped). */
  databaseUrl?: string;
  /** Keep the kewhats_bench_<scale> databases for the next run (skips the data load). */
  keep: boolean;
  /** Timed refreshes per side (exporter and floors) for the refresh rows. */
  runs: number;
  /** Seconds of each autocannon measurement. */
  durationSeconds: number;
  /** Seconds of each write-throughput measurement (per side and round). */
  writeSeconds: number;
  /** Operations of the exactness workload. */
  operations: number;
  /** Parts to run (default all). */
  only: ReadonlySet<BenchPart>;
  /** --help: print the usage and what these flags would do, run nothing. */
  help: boolean;
}

export const USAGE =
  'usage: npm run bench -- [--scales 1,5,10 | --scale N] [--database-url URL] [--keep] [--runs N] [--duration SECONDS] ' +
  `[--write-seconds SECONDS] [--operations N] [--only ${BENCH_PARTS.join(',')}] [--help]`;

function positiveNumber(name: string, text: string, max: number, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a ${integer ? 'whole number' : 'number'} greater than 0 and at most ${max}, got '${text}' — ${USAGE}`);
  }
  return value;
}

function parseScales(values: Record<string, string | boolean | undefined>): number[] {
  if (values.scale !== undefined && values.scales !== undefined) throw new Error(`--scale and --scales exclude each other — ${USAGE}`);
  const text = (values.scales ?? values.scale) as string | undefined;
  if (text === undefined) return [...DEFAULT_SCALES];
  const name = values.scales === undefined ? 'scale' : 'scales';
  const scales = text.split(',').map((part) => positiveNumber(name, part.trim(), MAX_SCALE, false));
  return [...new Set(scales)].sort((a, b) => a - b);
}

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scale: { type: 'string' },
        scales: { type: 'string' },
        'database-url': { type: 'string' },
        keep: { type: 'boolean' },
        runs: { type: 'string' },
        duration: { type: 'string' },
        'write-seconds': { type: 'string' },
        operations: { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0]} — ${USAGE}`);
  }
  const only = new Set<BenchPart>();
  for (const part of String(values.only ?? BENCH_PARTS.join(',')).split(',')) {
    const name = part.trim() as BenchPart;
    if (!BENCH_PARTS.includes(name)) throw new Error(`--only: unknown part '${part}' (parts: ${BENCH_PARTS.join(', ')}) — ${USAGE}`);
    only.add(name);
  }
  const databaseUrl = (values['database-url'] as string | undefined) ?? (env.BENCH_DATABASE_URL || undefined);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`--database-url must be a postgres:// or postgresql:// URL — ${USAGE}`);
  }
  const scales = parseScales(values);
  if (databaseUrl !== undefined && scales.length > 1 && (values.scales !== undefined || values.scale !== undefined)) {
    throw new Error(`--database-url holds one scale: give at most one with --scale — ${USAGE}`);
  }
  return {
    // A given database is one scale: the first of the list (the data decide, see database.ts).
    scales: databaseUrl !== undefined ? scales.slice(0, 1) : scales,
    databaseUrl,
    keep: values.keep === true,
    runs: values.runs === undefined ? 5 : positiveNumber('runs', values.runs as string, 100, true),
    durationSeconds: values.duration === undefined ? 10 : positiveNumber('duration', values.duration as string, 600, true),
    writeSeconds: values['write-seconds'] === undefined ? 5 : positiveNumber('write-seconds', values['write-seconds'] as string, 600, true),
    operations: values.operations === undefined ? 100_000 : positiveNumber('operations', values.operations as string, 10_000_000, true),
    only,
    help: values.help === true,
  };
}

/** The scale the one-scale parts run at: the targets' scale when listed, else the largest listed. */
export function targetScale(scales: readonly number[]): number {
  return scales.includes(TARGET_SCALE) ? TARGET_SCALE : scales[scales.length - 1]!;
}

/** The parts that run at `scale`, in the order of BENCH_PARTS. */
export function partsAtScale(args: Pick<BenchArgs, 'scales' | 'only'>, scale: number): BenchPart[] {
  return BENCH_PARTS.filter(
    (part) => args.only.has(part) && SCALE_PARTS.has(part) && (!TARGET_SCALE_PARTS.has(part) || scale === targetScale(args.scales)),
  );
}

/** What a run with these flags would do, in a few lines (for --help). */
export function describeBenchArgs(args: BenchArgs): string {
  const lines: string[] = [];
  for (const scale of args.scales) {
    const parts = partsAtScale(args, scale);
    if (parts.length === 0) continue;
    const database = args.databaseUrl ? 'the database given' : `kewhats_bench_${scale} (${args.keep ? 'kept' : 'dropped'} afterwards)`;
    lines.push(`  scale ${scale} on ${database}: ${parts.join(', ')}`);
  }
  const scratch = BENCH_PARTS.filter((part) => args.only.has(part) && !SCALE_PARTS.has(part));
  if (scratch.length > 0) lines.push(`  on scratch databases of their own: ${scratch.join(', ')}`);
  lines.push(
    `  ${args.runs} refresh runs per side, ${args.durationSeconds} s per HTTP run, ${args.writeSeconds} s per write measurement, ${args.operations.toLocaleString('en')} workload operations`,
  );
  return lines.join('\n');
}
