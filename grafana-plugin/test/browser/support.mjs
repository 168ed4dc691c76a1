// Support for the real-browser test: the exporter process, the harness bundle and the server
// that plays Grafana (static files plus the data source proxy route), and a CSV parser.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const PLUGIN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_DIR = path.resolve(PLUGIN_DIR, '..');
export const DIST_DIR = path.join(PLUGIN_DIR, 'dist');
export const EXPORTER_DIR = path.join(REPO_DIR, 'exporter');
export const EXPORTER_MAIN = path.join(EXPORTER_DIR, 'src', 'main.ts');
/** The exporter with a ninth section that exists only in the tests (exporter/test/support/extra-section.ts). */
export const EXTRA_SECTION_EXPORTER = path.join(EXPORTER_DIR, 'test', 'support', 'extra-section-exporter.ts');
export const ARTIFACTS_DIR = path.join(REPO_DIR, 'test-artifacts', 'grafana-plugin');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the exporter in demo mode (embedded PGlite with seeded demo data) on a free loopback
 * port and waits for GET /readyz to answer 200 (the first start migrates and seeds). `entry` is
 * the exporter's main module, or EXTRA_SECTION_EXPORTER; `env` adds variables.
 */
export async function startExporter({ token, entry = EXPORTER_MAIN, env: extraEnv = {}, timeoutMs = 180_000 }) {
  if (!existsSync(entry)) {
    throw new Error(`the exporter is missing (${entry}): the browser test needs the real exporter`);
  }
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kewhats-plugin-exporter-'));
  const env = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    MONITORING_TOKEN: token,
    KEWHATS_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    DEMO_SIMULATOR: 'false',
    ...extraEnv,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: EXPORTER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    // Keep the tail for error messages, never the token.
    output = (output + chunk.toString()).split(token).join('<token>').slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(`the exporter exited during start-up (${JSON.stringify(exited)}):\n${output}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the exporter was not ready within ${timeoutMs / 1000} s:\n${output}`);
    }
    await sleep(500);
  }

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const end = Date.now() + 20_000;
      while (!exited && Date.now() < end) {
        await sleep(100);
      }
      if (!exited) {
        child.kill('SIGKILL');
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  return { url, stop, output: () => output };
}

/** Bundles the harness page (React, Grafana's packages and the harness code) with esbuild. */
export async function buildHarness(outDir) {
  const { build } = await import('esbuild');
  const outfile = path.join(outDir, 'harness.js');
  await build({
    entryPoints: [path.join(PLUGIN_DIR, 'test', 'browser', 'harness', 'harness.tsx')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    outfile,
    // Development React: its warnings are console errors, which the test treats as failures.
    define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
    loader: {
      '.svg': 'dataurl',
      '.png': 'dataurl',
      '.woff': 'empty',
      '.woff2': 'empty',
      '.ttf': 'empty',
      '.css': 'empty',
    },
    logLevel: 'error',
  });
  return outfile;
}

function systemFont() {
  const candidates = [
    '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  ];
  const found = candidates.find((file) => existsSync(file));
  if (found) {
    return found;
  }
  try {
    const file = execFileSync('fc-match', ['-f', '%{file}', 'sans'], { encoding: 'utf8' }).trim();
    return file && existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

async function sendFile(res, file) {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      throw new Error('not a file');
    }
  } catch {
    res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not found"}');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-store',
  });
  res.end(await readFile(file));
}

function insideDir(root, relative) {
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : undefined;
}

const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';

const PROXY_PREFIX = /^\/api\/datasources\/proxy\/uid\/([^/]+)\/(.*)$/;
const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'x-kewhats-version',
  'retry-after',
  'cache-control',
  'warning',
];

/**
 * The server that plays Grafana: the harness page, the plugin files under
 * /public/plugins/kewhats-monitoring-app/ (dist/), Grafana's icons and fonts, and the data
 * source proxy. Like the plugin.json route, the proxy forwards only GET api/monitoring/* to the
 * exporter of the data source (`dataSources`: uid → { url, token }) and adds
 * `Authorization: Bearer <token>` on the server; the browser's own headers (cookies,
 * authorization) are not forwarded. Like Grafana's proxy (modifyResponse in
 * pkg/api/pluginproxy/ds_proxy.go), it answers an upstream 401 with a plain-text 400
 * "Authentication to data source failed".
 *
 * Page parameters: theme=dark|light, uid, height, lang (Grafana's UI language: id-ID, en-US),
 * panelLanguage and section (the panel's options).
 */
export async function startHarnessServer({ dataSources, harnessFile }) {
  const iconsDir = path.join(REPO_DIR, 'node_modules', '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
  const font = systemFont();
  const proxied = [];
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>KeWhats plugin harness</title>
    <link rel="icon" href="data:," />
    <script>
      // What Grafana's index.html provides before any plugin code runs.
      window.__grafana_public_path__ = '/public/';
      const search = new URLSearchParams(location.search);
      const language = search.get('lang') || 'en-US';
      window.grafanaBootData = {
        assets: { dark: '', light: '' },
        settings: { appSubUrl: '', buildInfo: { version: '13.2.2', env: 'production' }, language },
        user: {
          theme: search.get('theme') === 'light' ? 'light' : 'dark',
          timezone: 'browser',
          orgRole: 'Viewer',
          isSignedIn: true,
          language,
        },
        navTree: [],
      };
    </script>
  </head>
  <body>
    <div id="root"></div>
    <script src="/harness.js"></script>
  </body>
</html>`;

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://harness');
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      if (url.pathname === '/harness.js') {
        await sendFile(res, harnessFile);
        return;
      }
      if (url.pathname.startsWith('/public/plugins/kewhats-monitoring-app/')) {
        const file = insideDir(
          DIST_DIR,
          decodeURIComponent(url.pathname.slice('/public/plugins/kewhats-monitoring-app/'.length))
        );
        await (file ? sendFile(res, file) : sendFile(res, '/nonexistent'));
        return;
      }
      if (url.pathname === '/public/build/img/icons/unicons/spinner.svg') {
        // Grafana serves this icon from its own public/img; @grafana/ui's package does not ship it.
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(SPINNER_SVG);
        return;
      }
      if (url.pathname.startsWith('/public/build/img/icons/')) {
        const file = insideDir(iconsDir, decodeURIComponent(url.pathname.slice('/public/build/img/icons/'.length)));
        await (file ? sendFile(res, file) : sendFile(res, '/nonexistent'));
        return;
      }
      if (url.pathname.startsWith('/public/fonts/') && font) {
        res.writeHead(200, { 'Content-Type': 'font/ttf', 'Cache-Control': 'max-age=3600' }).end(await readFile(font));
        return;
      }
      const match = PROXY_PREFIX.exec(url.pathname);
      if (match) {
        const [, uid, proxyPath] = match;
        proxied.push({
          method: req.method,
          uid,
          path: `/${proxyPath}${url.search}`,
          authorization: req.headers.authorization,
          cookie: req.headers.cookie,
        });
        const dataSource = dataSources[uid];
        if (!dataSource) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Data source not found"}');
          return;
        }
        // The plugin.json route: path "api/monitoring", method GET.
        if (req.method !== 'GET' || !(proxyPath === 'api/monitoring' || proxyPath.startsWith('api/monitoring/'))) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"no data source route matches"}');
          return;
        }
        let upstream;
        try {
          upstream = await fetch(`${dataSource.url}/${proxyPath}${url.search}`, {
            headers: { Authorization: `Bearer ${dataSource.token}`, Accept: req.headers.accept ?? '*/*' },
          });
        } catch {
          res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"message":"Bad Gateway"}');
          return;
        }
        if (upstream.status === 401) {
          await upstream.arrayBuffer();
          res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end(GRAFANA_AUTH_FAILED);
          return;
        }
        const headers = {};
        for (const name of FORWARDED_RESPONSE_HEADERS) {
          const value = upstream.headers.get(name);
          if (value !== null) {
            headers[name] = value;
          }
        }
        res.writeHead(upstream.status, headers);
        if (upstream.body) {
          Readable.fromWeb(upstream.body).pipe(res);
        } else {
          res.end();
        }
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Not found"}');
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
      }
      res.end(JSON.stringify({ message: String(error) }));
    }
  });
  const port = await freePort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    proxied,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function exporterVersion() {
  return JSON.parse(readFileSync(path.join(EXPORTER_DIR, 'package.json'), 'utf8')).version;
}
