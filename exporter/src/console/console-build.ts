import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { CONSOLE_BASE_PATH, CONSOLE_OUT_DIR, CONSOLE_SOURCE_DIR } from './console-files.js';

/** Packages whose code ends up in the bundle (or builds it): a new version means a new build. */
const BUNDLED_PACKAGES = ['preact', 'preact-iso', 'd3-shape', 'd3-path', 'esbuild'];

/** Records which inputs the build in CONSOLE_OUT_DIR was made from. */
const STAMP_FILE = 'build-stamp.json';

export interface ConsoleBuildResult {
  /** false when the existing build was already made from the current sources */
  built: boolean;
  outDir: string;
  /** the shell's script, stylesheet and icon, as URL paths */
  assets: { script: string; style: string; favicon: string };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The installed version of a package (found from its entry point: not every package exports its package.json). */
function installedVersion(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (found === name && version) return version;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find the version of ${name}`);
    dir = dirname(dir);
  }
}

/** A hash of everything the build reads: the console's sources, this builder and its paths, the bundled packages' versions. */
export function consoleInputsHash(): string {
  const hash = createHash('sha256');
  const builder = fileURLToPath(import.meta.url);
  const paths = builder.replace(/console-build\.(ts|js)$/, 'console-files.$1'); // the URLs in index.html
  for (const file of [...filesUnder(CONSOLE_SOURCE_DIR), builder, paths].sort()) {
    hash.update(relative(CONSOLE_SOURCE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const name of BUNDLED_PACKAGES) hash.update(`${name}@${installedVersion(name)}\0`);
  return hash.digest('hex');
}

function readStamp(): { inputs: string; assets: ConsoleBuildResult['assets'] } | undefined {
  try {
    return JSON.parse(readFileSync(join(CONSOLE_OUT_DIR, STAMP_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

const shortHash = (content: Buffer | string) => createHash('sha256').update(content).digest('hex').slice(0, 10);

/**
 * Builds the console into CONSOLE_OUT_DIR: one JavaScript and one CSS file plus the favicon,
 * each named by a hash of its content, and index.html naming them. With `ifStale`, does nothing
 * when the existing build was made from the same inputs. The new build is written beside the
 * old one and swapped in at the end, so a running exporter never serves half a build.
 */
export function buildConsole(options: { ifStale?: boolean } = {}): Promise<ConsoleBuildResult> {
  return withBuildLock(() => buildUnlocked(options));
}

async function buildUnlocked(options: { ifStale?: boolean }): Promise<ConsoleBuildResult> {
  const inputs = consoleInputsHash();
  const stamp = readStamp();
  if (options.ifStale && stamp?.inputs === inputs && existsSync(join(CONSOLE_OUT_DIR, 'index.html'))) {
    return { built: false, outDir: CONSOLE_OUT_DIR, assets: stamp.assets };
  }

  const staging = `${CONSOLE_OUT_DIR}.build-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const assetsDir = join(staging, 'assets');
    mkdirSync(assetsDir, { recursive: true });
    const result = await build({
      entryPoints: { main: join(CONSOLE_SOURCE_DIR, 'src', 'main.tsx') },
      tsconfig: join(CONSOLE_SOURCE_DIR, 'tsconfig.json'),
      bundle: true,
      format: 'esm',
      target: ['es2022', 'chrome111', 'edge111', 'firefox115', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      minify: true,
      legalComments: 'eof',
      outdir: assetsDir,
      entryNames: '[name]-[hash]',
      assetNames: '[name]-[hash]',
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = Object.keys(result.metafile.outputs).map((path) => relative(assetsDir, path));
    const script = outputs.find((name) => name.endsWith('.js'));
    const style = outputs.find((name) => name.endsWith('.css'));
    if (!script || !style) throw new Error(`console build produced ${outputs.join(', ')}: expected one .js and one .css`);

    const faviconSource = readFileSync(join(CONSOLE_SOURCE_DIR, 'favicon.svg'));
    const favicon = `favicon-${shortHash(faviconSource)}.svg`;
    writeFileSync(join(assetsDir, favicon), faviconSource);

    // Pre-compressed copies, served to browsers that accept gzip (the size budget is gzip bytes).
    for (const name of readdirSync(assetsDir)) {
      if (/\.(js|css|svg)$/.test(name)) writeFileSync(join(assetsDir, `${name}.gz`), gzipSync(readFileSync(join(assetsDir, name)), { level: 9 }));
    }

    const url = (name: string) => `${CONSOLE_BASE_PATH}/assets/${name}`;
    const assets = { script: url(script), style: url(style), favicon: url(favicon) };
    const shell = readFileSync(join(CONSOLE_SOURCE_DIR, 'index.html'), 'utf8').replace(
      /\{\{(script|style|favicon)\}\}/g,
      (_match, key: keyof typeof assets) => assets[key],
    );
    writeFileSync(join(staging, 'index.html'), shell);
    writeFileSync(join(staging, STAMP_FILE), `${JSON.stringify({ inputs, assets }, null, 2)}\n`);

    const previous = `${CONSOLE_OUT_DIR}.previous-${process.pid}`;
    if (existsSync(CONSOLE_OUT_DIR)) renameSync(CONSOLE_OUT_DIR, previous);
    renameSync(staging, CONSOLE_OUT_DIR);
    rmSync(previous, { recursive: true, force: true });
    return { built: true, outDir: CONSOLE_OUT_DIR, assets };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Runs `task` while holding the build lock: test files run in parallel and each makes sure the
 * console is built, so one builds and the others then find it up to date. A lock left behind by
 * a killed build is broken after a minute.
 */
async function withBuildLock<T>(task: () => Promise<T>): Promise<T> {
  const lock = `${CONSOLE_OUT_DIR}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await sleep(50);
    }
  }
  try {
    return await task();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The built console's JavaScript and CSS, gzip-compressed as the exporter serves them, in bytes. */
export function consoleBundleSize(): { files: Record<string, number>; totalGzipBytes: number } {
  const assetsDir = join(CONSOLE_OUT_DIR, 'assets');
  const files: Record<string, number> = {};
  for (const name of readdirSync(assetsDir)) {
    if (!/\.(js|css)$/.test(name) || !statSync(join(assetsDir, name)).isFile()) continue;
    files[name] = readFileSync(join(assetsDir, `${name}.gz`)).length;
  }
  return { files, totalGzipBytes: Object.values(files).reduce((sum, size) => sum + size, 0) };
}
