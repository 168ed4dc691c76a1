// Flags of `npm run db:generate`; a module of its own so tests can parse without a database.
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, MAX_SCALE } from './synthetic-data.js';

export const USAGE = 'usage: npm run db:generate -- --scale <number > 0, e.g. 1 or 0.001> [--seed <integer>] [--help]';

export interface GenerateArgs {
  scale: number;
  seed: number;
}

/** `--scale -1` as `--scale=-1`: parseArgs would call it ambiguous; we want to say why -1 is wrong. */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if ((arg === '--scale' || arg === '--seed') && next !== undefined && /^-[\d.]/.test(next)) {
      joined.push(`${arg}=${next}`);
      i += 1;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** Parses the flags; any problem is one error line that ends with the usage. */
export function parseGenerateArgs(argv: string[]): GenerateArgs {
  let values: { scale?: string; seed?: string };
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv),
      options: { scale: { type: 'string' }, seed: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node's own messages run long (hints about '--', several lines): keep the first sentence.
    const reason = (error as Error).message.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
    throw new Error(`${reason} — ${USAGE}`);
  }
  if (values.scale === undefined) throw new Error(`--scale is required — ${USAGE}`);
  const scale = Number(values.scale);
  if (values.scale.trim() === '' || !Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new Error(`--scale must be a number greater than 0 and at most ${MAX_SCALE}, got '${values.scale}' — ${USAGE}`);
  }
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (values.seed !== undefined && (!/^-?\d+$/.test(values.seed.trim()) || !Number.isSafeInteger(seed))) {
    throw new Error(`--seed must be an integer, got '${values.seed}' — ${USAGE}`);
  }
  return { scale, seed };
}
