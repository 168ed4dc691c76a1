// How the exporter serves the console: the shell at every console URL, hashed assets cached for
// a year, a strict CSP, and the split of `/` between the console and Grafana.
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildConsole } from '../../src/console/console-build.js';
import { CONSOLE_CSP, IMMUTABLE_CACHE_CONTROL } from '../../src/console/console-routes.js';
import { createAccount } from '../auth/support/accounts.js';
import { signIn } from '../gateway/support/sessions.js';
import { startStandInGrafana, type StandInGrafana } from '../gateway/support/stand-in-grafana.js';
import { getJson } from '../support/http.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startTestExporter, type TestExporter } from '../support/test-exporter.js';

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });

/** A GET whose body arrives as sent (fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('console serving', () => {
  let db: TestDatabase;
  let exporter: TestExporter;
  let withGrafana: TestExporter;
  let grafana: StandInGrafana;
  let assets: Awaited<ReturnType<typeof buildConsole>>['assets'];
  /** a signed-in staff member's Cookie header (for both exporters: one database) */
  let staff: Record<string, string>;

  before(async () => {
    ({ assets } = await buildConsole({ ifStale: true }));
    db = await createTestDatabase();
    grafana = await startStandInGrafana();
    [exporter, withGrafana] = await Promise.all([
      startTestExporter({ pool: db.pool }),
      startTestExporter({ pool: db.pool, env: { GRAFANA_URL: grafana.url } }),
    ]);
    const account = await createAccount(db.pool, { email: 'console@test.example', role: 'monitoring' });
    staff = { Cookie: (await signIn(exporter.url, account)).cookie };
  });
  after(async () => {
    await exporter?.close();
    await withGrafana?.close();
    await grafana?.close();
    await db?.drop();
  });

  it('serves the shell for the console root and every deep link, never cached, under a strict CSP', async () => {
    for (const path of ['/console/', '/console/users', '/console/profile', '/console/anything/deeper?x=1']) {
      const response = await get(`${exporter.url}${path}`, { Accept: 'text/html', ...staff });
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('content-security-policy'), CONSOLE_CSP);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      const html = await response.text();
      assert.ok(html.includes(`src="${assets.script}"`) && html.includes(`href="${assets.style}"`), path);
    }
    const csp = CONSOLE_CSP.split('; ');
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "require-trusted-types-for 'script'",
    ]) {
      assert.ok(csp.includes(directive), directive);
    }
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|https?:|\*/, 'nothing inline, nothing from elsewhere');
  });

  it('serves hashed assets for a year, gzip-compressed when the browser accepts it', async () => {
    for (const url of Object.values(assets)) {
      const plain = await rawGet(`${exporter.url}${url}`, { 'Accept-Encoding': 'identity' });
      assert.equal(plain.status, 200, url);
      assert.equal(plain.headers['cache-control'], IMMUTABLE_CACHE_CONTROL);
      assert.equal(plain.headers['content-encoding'], undefined);

      const gzipped = await rawGet(`${exporter.url}${url}`, { 'Accept-Encoding': 'gzip, deflate, br' });
      assert.equal(gzipped.headers['content-encoding'], 'gzip');
      assert.equal(gzipped.headers['cache-control'], IMMUTABLE_CACHE_CONTROL);
      assert.match(String(gzipped.headers.vary), /Accept-Encoding/i);
      assert.equal(gzipped.headers['content-type'], plain.headers['content-type']);
      assert.deepEqual(gunzipSync(gzipped.body), plain.body);
      assert.ok(gzipped.body.length < plain.body.length);
    }
    assert.match(String((await rawGet(`${exporter.url}${assets.script}`)).headers['content-type']), /^(text|application)\/javascript/);
    assert.match(String((await rawGet(`${exporter.url}${assets.style}`)).headers['content-type']), /^text\/css/);
  });

  it('answers a missing asset with a 404, not the shell', async () => {
    for (const path of ['/console/assets/main-NOPE.js', '/console/assets/%2e%2e%2findex.html', '/console/assets/main.js.gz', '/console/assets/']) {
      const { status, body } = await getJson(`${exporter.url}${path}`);
      assert.equal(status, 404, path);
      assert.equal(body.error.code, 'not_found', path);
    }
  });

  it('sends signed-out visitors of the pages to sign in first, and back afterwards; the assets are public', async () => {
    for (const [path, next] of [
      ['/console/', '/console/'],
      ['/console/users', '/console/users'],
      ['/console/anything/deeper?x=1', '/console/anything/deeper?x=1'],
      ['/', '/console/'],
    ]) {
      const response = await get(`${exporter.url}${path}`, { Accept: 'text/html' });
      assert.equal(response.status, 302, path);
      assert.equal(response.headers.get('location'), `/login?next=${encodeURIComponent(next!)}`, path);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
    // An ended session is cleared on the way.
    const ended = await get(`${exporter.url}/console/users`, { Cookie: 'kewhats_session=no-such-session' });
    assert.equal(ended.status, 302);
    assert.match(ended.headers.getSetCookie().join('\n'), /kewhats_session=;.*Max-Age=0/i);
    assert.equal((await get(`${exporter.url}${assets.script}`)).status, 200);
  });

  it('sends / to the console without Grafana, and /console to /console/', async () => {
    const root = await get(`${exporter.url}/`, staff);
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    const bare = await get(`${exporter.url}/console`);
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/console/');
  });

  it('with Grafana, keeps / for Grafana and serves the console at /console/ itself', async () => {
    const seen = grafana.requests.length;
    const page = await get(`${withGrafana.url}/console/users`, { Accept: 'text/html', ...staff });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONSOLE_CSP);
    assert.equal((await get(`${withGrafana.url}${assets.script}`)).status, 200);
    assert.equal(grafana.requests.length, seen, 'nothing of the console reached Grafana');
    // Signed out, / is Grafana's: the gateway sends the browser to sign in first.
    const root = await get(`${withGrafana.url}/`, { Accept: 'text/html' });
    assert.equal(root.status, 302);
    assert.match(root.headers.get('location')!, /^\/login\?next=/);
    // The sign-in page says where the console is.
    const login = await (await get(`${withGrafana.url}/login`)).text();
    assert.match(login, /<a href="\/console\/">monitoring console<\/a>/);
    assert.doesNotMatch(await (await get(`${exporter.url}/login`)).text(), /monitoring console/, 'without Grafana, / is the console already');
  });

  it('answers only GET and HEAD', async () => {
    const head = await fetch(`${exporter.url}/console/users`, { method: 'HEAD', headers: staff });
    assert.equal(head.status, 200);
    const post = await fetch(`${exporter.url}/console/users`, { method: 'POST' });
    assert.equal(post.status, 404);
  });
});
