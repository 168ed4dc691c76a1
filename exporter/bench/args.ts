// Flags of `npm run bench`; parsed apart from the runner so a typo fails before any work starts.
import { parseArgs } from 'node:util';
import { MAX_SCALE } from '../src/demo/synthetic-data.js';

export const BENCH_PARTS = ['refresh', 'http', 'export', 'viewers', 'tracking', 'console'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchArgs {
  /** Synthetic data scale: 1 ≈ 10k users, 2M messages, 1M contacts. */
  scale: number;
  /** A database to benchmark as is (never generated into unless empty, never dropped). */
  databaseUrl?: string;
  /** Keep the kewhats_bench_<scale> database for the next run (skips the data load). */
  keep: boolean;
  /** Timed refreshes per side (exporter and floor) for the cold-refresh row. */
  runs: number;
  /** Seconds of each autocannon measurement. */
  durationSeconds: number;
  /** Parts to run (default all). */
  only: ReadonlySet<BenchPart>;
  /** --help: print the usage and what these flags would do, run nothing. */
  help: boolean;
}

export const USAGE =
  'usage: npm run bench -- [--scale N] [--database-url URL] [--keep] [--runs N] [--duration SECONDS] [--only refresh,http,export,viewers,tracking,console] [--help]';

function positiveNumber(name: string, text: string, max: number, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a ${integer ? 'whole number' : 'number'} greater than 0 and at most ${max}, got '${text}' — ${USAGE}`);
  }
  return value;
}

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scale: { type: 'string' },
        'database-url': { type: 'string' },
        keep: { type: 'boolean' },
        runs: { type: 'string' },
        duration: { type: 'string' },
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
  return {
    scale: values.scale === undefined ? 1 : positiveNumber('scale', values.scale as string, MAX_SCALE, false),
    databaseUrl,
    keep: values.keep === true,
    runs: values.runs === undefined ? 5 : positiveNumber('runs', values.runs as string, 100, true),
    durationSeconds: values.duration === undefined ? 10 : positiveNumber('duration', values.duration as string, 600, true),
    only,
    help: values.help === true,
  };
}

/** What a run with these flags would do, in one line (for --help). */
export function describeBenchArgs(args: BenchArgs): string {
  const database = args.databaseUrl ? 'the database given' : `kewhats_bench_${args.scale} (${args.keep ? 'kept' : 'dropped'} afterwards)`;
  return `scale ${args.scale} on ${database}, ${args.runs} refresh runs, ${args.durationSeconds} s per HTTP run, parts: ${[...args.only].join(', ')}`;
}
