// `npm run keys:generate -- --out DIR [--public-dir DIR]` (in the image:
// `node exporter/dist/cli/generate-keys.js --out /keys --public-dir /jwt-public`).
//
// Creates the RS256 key pair used to sign login and gateway JWTs in DIR (jwt-private.pem,
// owner-only, and jwt-public.pem), or keeps an existing pair: it never overwrites keys, rotation
// is a deliberate operator act (see provisioning/README.md). With --public-dir it also copies
// the public key alone to a second directory, so Grafana (which verifies the gateway's JWTs)
// never gets to see the private key. Prints file paths only, never key material.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKeyPairInDir, PRIVATE_KEY_FILE, PUBLIC_KEY_FILE } from '../auth/keys.js';
import { runCli } from './run-cli.js';

const USAGE = 'usage: generate-keys --out DIR [--public-dir DIR]';

class UsageError extends Error {}

function parse(argv: string[]): { out: string; publicDir?: string } {
  let values: { out?: string; 'public-dir'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        'public-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.out) throw new UsageError('--out DIR is required');
  return values['public-dir'] ? { out: values.out, publicDir: values['public-dir'] } : { out: values.out };
}

/** Copies the public key to `dir` unless an identical copy is already there. */
function copyPublicKey(publicKey: string, dir: string): 'written' | 'unchanged' {
  const target = join(dir, PUBLIC_KEY_FILE);
  mkdirSync(dir, { recursive: true });
  if (existsSync(target) && readFileSync(target, 'utf8') === publicKey) {
    chmodSync(target, 0o644);
    return 'unchanged';
  }
  writeFileSync(target, publicKey, { mode: 0o644 });
  chmodSync(target, 0o644); // the umask must not make it unreadable for Grafana
  return 'written';
}

await runCli(async () => {
  let options: { out: string; publicDir?: string };
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }

  const out = resolve(options.out);
  const privatePath = join(out, PRIVATE_KEY_FILE);
  const publicPath = join(out, PUBLIC_KEY_FILE);
  const pair = ensureKeyPairInDir(out);

  // A kept key pair may have been copied in with loose permissions: the private key stays
  // owner-only, the public key world-readable.
  const privateMode = statSync(privatePath).mode & 0o777;
  if (privateMode !== 0o600) chmodSync(privatePath, 0o600);
  chmodSync(publicPath, 0o644);

  const verb = pair.created ? 'created' : 'kept existing';
  console.log(`${verb} ${privatePath} (private key, mode 0600)`);
  console.log(`${verb} ${publicPath} (public key)`);
  if (!pair.created && privateMode !== 0o600) {
    console.log(`tightened ${privatePath} from mode 0${privateMode.toString(8)} to 0600`);
  }

  if (options.publicDir) {
    const publicDir = resolve(options.publicDir);
    const result = copyPublicKey(pair.publicKey, publicDir);
    console.log(
      result === 'written'
        ? `wrote ${join(publicDir, PUBLIC_KEY_FILE)} (copy of the public key)`
        : `kept ${join(publicDir, PUBLIC_KEY_FILE)} (copy of the public key, unchanged)`,
    );
  }
});
