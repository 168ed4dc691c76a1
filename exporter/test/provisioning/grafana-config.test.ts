// provisioning/grafana: grafana.ini (JWT-only login behind the exporter gateway, role mapping,
// lock-down) and the provisioning files (data sources, dashboards provider, app plugin).
// role_attribute_path is evaluated with the same JMESPath language Grafana uses.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { EXPORTER_PATH_PREFIXES } from '../../src/gateway/exporter-paths.js';
import { readRepoFile, readRepoYaml, repoPath } from './support.js';

const jmespath = createRequire(import.meta.url)('jmespath') as { search(data: unknown, expression: string): unknown };

type Ini = Record<string, Record<string, string>>;

/**
 * A small reader for Grafana's ini dialect as far as this file uses it: `[section]`,
 * `key = value`, whole-line comments starting with `;` or `#`. Duplicate keys are an error.
 */
function parseIni(text: string): Ini {
  const ini: Ini = { '': {} };
  let section = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      assert.ok(!(section in ini), `grafana.ini: section [${section}] appears twice`);
      ini[section] = {};
      return;
    }
    const equals = line.indexOf('=');
    assert.ok(equals > 0, `grafana.ini line ${index + 1} is neither a section, a setting nor a comment: ${raw}`);
    const key = line.slice(0, equals).trim();
    assert.ok(!(key in ini[section]!), `grafana.ini: [${section}] ${key} is set twice`);
    ini[section]![key] = line.slice(equals + 1).trim();
  });
  return ini;
}

const ini = parseIni(readRepoFile('provisioning/grafana/grafana.ini'));
const setting = (section: string, key: string): string | undefined => ini[section]?.[key];

describe('grafana.ini: login only through the gateway JWT', () => {
  test('[auth.jwt] verifies the gateway header with the mounted public key', () => {
    assert.equal(setting('auth.jwt', 'enabled'), 'true');
    assert.equal(setting('auth.jwt', 'header_name'), 'X-JWT-Assertion');
    assert.equal(setting('auth.jwt', 'key_file'), '/etc/grafana/jwt/jwt-public.pem');
    assert.equal(setting('auth.jwt', 'email_claim'), 'email');
    assert.equal(setting('auth.jwt', 'username_claim'), 'email');
    assert.equal(setting('auth.jwt', 'auto_sign_up'), 'true');
    assert.equal(setting('auth.jwt', 'role_attribute_strict'), 'true');
    assert.equal(setting('auth.jwt', 'allow_assign_grafana_admin'), 'false');
    assert.equal(setting('auth.jwt', 'skip_org_role_sync'), 'false');
    assert.notEqual(setting('auth.jwt', 'url_login'), 'true', 'url_login would accept tokens in URLs');
    // A JWKS URL or a second key source would bypass key_file.
    assert.equal(setting('auth.jwt', 'jwk_set_url'), undefined);
    assert.equal(setting('auth.jwt', 'jwk_set_file'), undefined);
  });

  test('the display name comes from the `name` claim the gateway sets: no attribute path moves it or the login elsewhere', () => {
    // Grafana's JWT client takes the user's name from the `name` claim verbatim; an attribute
    // path (an OAuth setting) would be ignored here or, for the login and email, override the claims above.
    for (const key of ['name_attribute_path', 'username_attribute_path', 'email_attribute_path', 'login_attribute_path']) {
      assert.equal(setting('auth.jwt', key), undefined, key);
    }
    assert.match(readRepoFile('provisioning/grafana/grafana.ini'), /`name` claim/);
  });

  test('expect_claims is JSON pinning the issuer and audience', () => {
    const claims = JSON.parse(setting('auth.jwt', 'expect_claims') ?? 'null') as Record<string, unknown>;
    assert.equal(typeof claims.iss, 'string');
    assert.equal(typeof claims.aud, 'string');
    assert.ok((claims.iss as string).length > 0 && (claims.aud as string).length > 0);
  });

  const rolePath = setting('auth.jwt', 'role_attribute_path') ?? '';
  const role = (claims: Record<string, unknown>) => jmespath.search(claims, rolePath);
  const denied = (value: unknown) => value === null || value === undefined || value === '' || value === false;

  test('role_attribute_path: admin → Admin, monitoring → Viewer', () => {
    assert.equal(role({ sub: '1', email: 'a@example.com', role: 'admin' }), 'Admin');
    assert.equal(role({ sub: '2', email: 'm@example.com', role: 'monitoring' }), 'Viewer');
  });

  test('role_attribute_path: every other claim maps to nothing, so strict mode refuses the login', () => {
    for (const claims of [
      { role: 'user' },
      {},
      { role: '' },
      { role: null },
      { role: 'Admin' },
      { role: 'ADMIN' },
      { role: 'GrafanaAdmin' },
      { role: 'editor' },
      { role: ['admin'] },
      { roles: ['admin'] },
      { role: { admin: true } },
    ]) {
      const value = role(claims);
      assert.ok(denied(value), `${JSON.stringify(claims)} → ${JSON.stringify(value)}`);
    }
  });

  test('role_attribute_path never grants Editor or Grafana server admin', () => {
    assert.doesNotMatch(rolePath, /Editor|GrafanaAdmin/);
  });

  test('no other way in: no login form, no basic auth, no anonymous access, no sign-up', () => {
    assert.equal(setting('auth', 'disable_login_form'), 'true');
    assert.equal(setting('auth.basic', 'enabled'), 'false');
    assert.equal(setting('auth.anonymous', 'enabled'), 'false');
    assert.equal(setting('users', 'allow_sign_up'), 'false');
    assert.equal(setting('users', 'allow_org_create'), 'false');
    assert.equal(setting('security', 'disable_initial_admin_creation'), 'true');
    assert.equal(setting('auth.proxy', 'enabled'), undefined, 'auth.proxy would trust another header');
    for (const section of Object.keys(ini)) {
      if (/^auth\.(generic_oauth|github|gitlab|google|azuread|okta|grafana_com|ldap)$/.test(section)) {
        assert.notEqual(setting(section, 'enabled'), 'true', `[${section}] must stay disabled`);
      }
    }
  });

  test('sign-out goes through the gateway: Grafana links to /logout, which the exporter answers itself', () => {
    // Grafana's "Sign out" entry is <app sub URL>/logout (pkg/services/navtree/navtreeimpl/navtree.go);
    // Grafana is served at the gateway's root, so the gateway's own /logout ends the session.
    assert.notEqual(setting('auth', 'disable_signout_menu'), 'true');
    assert.equal(setting('server', 'serve_from_sub_path'), 'false');
    assert.ok(EXPORTER_PATH_PREFIXES.includes('/logout'));
    assert.equal(setting('auth', 'signout_redirect_url'), undefined, 'never reached: the gateway answers /logout');
  });

  test('users without a mapped role get no basic role; Explore stays for Admins', () => {
    assert.equal(setting('explore', 'enabled'), 'true');
    assert.equal(setting('users', 'auto_assign_org_role'), 'None');
  });

  test('no setting Grafana 13 no longer reads or that does nothing in this stack', () => {
    const dead: Array<[string, string, string]> = [
      ['users', 'viewers_can_edit', 'removed from Grafana'],
      ['users', 'editors_can_admin', 'removed from Grafana'],
      ['auth', 'oauth_auto_login', 'replaced by each OAuth provider’s auto_login; no OAuth here'],
      ['auth.jwt', 'cache_ttl', 'caches keys fetched from jwk_set_url only; the key comes from key_file'],
      ['auth', 'signout_redirect_url', 'the gateway answers /logout before Grafana sees it'],
    ];
    for (const [section, key, why] of dead) assert.equal(setting(section, key), undefined, `[${section}] ${key}: ${why}`);
  });

  test('Grafana does not try to download plugins at start-up (the networks are internal)', () => {
    // pkg/setting/setting_plugins.go: preinstall_disabled skips the default preinstall list.
    assert.equal(setting('plugins', 'preinstall_disabled'), 'true');
    assert.equal(setting('plugins', 'preinstall'), undefined);
  });

  test('cookies and sharing are locked down', () => {
    assert.equal(setting('security', 'cookie_samesite'), 'strict');
    assert.ok(['true', 'false'].includes(setting('security', 'cookie_secure') ?? ''), 'cookie_secure is set explicitly');
    assert.equal(setting('security', 'allow_embedding'), 'false');
    assert.equal(setting('snapshots', 'enabled'), 'false');
    assert.equal(setting('snapshots', 'external_enabled'), 'false');
    assert.equal(setting('public_dashboards', 'enabled'), 'false');
  });

  test('[server] serves Grafana at the gateway origin', () => {
    assert.match(setting('server', 'root_url') ?? '', /^%\(protocol\)s:\/\/%\(domain\)s:9470\/$/);
    assert.equal(setting('server', 'http_port'), '3000');
    assert.equal(setting('server', 'serve_from_sub_path'), 'false');
  });

  test('the KeWhats plugins may load unsigned; dark theme; the KeWhats home dashboard', () => {
    assert.deepEqual(
      (setting('plugins', 'allow_loading_unsigned_plugins') ?? '')
        .split(',')
        .map((id) => id.trim())
        .sort(),
      ['kewhats-contactexport-panel', 'kewhats-monitoring-app', 'kewhats-monitoring-datasource'],
    );
    assert.equal(setting('users', 'default_theme'), 'dark');
    assert.equal(setting('dashboards', 'default_home_dashboard_path'), '/var/lib/grafana/dashboards/kewhats/dashboard.json');
  });

  test('[navigation.app_sections] makes the KeWhats app a top-level sidebar entry right after Home and Dashboards', () => {
    // "<section id> <sort weight>" (readNavigationSettings in pkg/services/navtree/navtreeimpl/applinks.go).
    // Core entries weigh (index - 20) * 100 (pkg/services/navtree/models.go): Home -2000, Bookmarks
    // -1900, Starred -1800, Dashboards -1700, Explore -1600. Without a weight the app would sort after them all.
    const [sectionId, weight, ...rest] = (setting('navigation.app_sections', 'kewhats-monitoring-app') ?? '').split(/\s+/);
    assert.equal(sectionId, 'root');
    assert.match(weight ?? '', /^-?\d+$/);
    assert.ok(Number(weight) > -1700 && Number(weight) < -1600, `sort weight ${weight}`);
    assert.deepEqual(rest, []);
  });
});

interface DataSource {
  name: string;
  uid: string;
  type: string;
  access?: string;
  url?: string;
  isDefault?: boolean;
  editable?: boolean;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}

describe('Grafana provisioning', () => {
  const datasources = readRepoYaml<{ apiVersion: number; datasources: DataSource[] }>('provisioning/grafana/provisioning/datasources/kewhats.yml');

  test('data sources: exactly kewhats-prometheus (default) and kewhats-monitoring', () => {
    assert.equal(datasources.apiVersion, 1);
    assert.deepEqual(datasources.datasources.map((ds) => ds.uid).sort(), ['kewhats-monitoring', 'kewhats-prometheus']);
    assert.deepEqual(
      datasources.datasources.filter((ds) => ds.isDefault).map((ds) => ds.uid),
      ['kewhats-prometheus'],
    );
  });

  test('the Prometheus data source points at the internal Prometheus', () => {
    const prometheus = datasources.datasources.find((ds) => ds.uid === 'kewhats-prometheus')!;
    assert.equal(prometheus.type, 'prometheus');
    assert.equal(prometheus.url, 'http://prometheus:9090');
    assert.equal(prometheus.access, 'proxy');
  });

  test('the KeWhats data source calls the exporter with MONITORING_TOKEN from the environment', () => {
    const kewhats = datasources.datasources.find((ds) => ds.uid === 'kewhats-monitoring')!;
    assert.equal(kewhats.type, 'kewhats-monitoring-datasource');
    assert.equal(kewhats.access, 'proxy');
    assert.equal(kewhats.jsonData?.url, 'http://exporter:9470');
    assert.deepEqual(kewhats.secureJsonData, { token: '$MONITORING_TOKEN' });
    assert.equal(kewhats.jsonData?.token, undefined, 'the token must never sit in (unencrypted) jsonData');
  });

  test('the KeWhats data source has no top-level url: only the plugin route (jsonData.url + token) reaches the exporter', () => {
    const kewhats = datasources.datasources.find((ds) => ds.uid === 'kewhats-monitoring')!;
    // With a url, Grafana would proxy /api/datasources/proxy/uid/kewhats-monitoring/<any path>
    // to the exporter, and paths outside the plugin.json route would go without the token.
    assert.ok(!('url' in kewhats), `url: ${JSON.stringify(kewhats.url)}`);
  });

  test('provisioned data sources cannot be edited in the UI', () => {
    for (const ds of datasources.datasources) assert.equal(ds.editable, false, ds.uid);
  });

  test('dashboards: a read-only file provider in folder "KeWhats Monitoring"', () => {
    const { providers } = readRepoYaml<{
      providers: { folder: string; type: string; disableDeletion: boolean; allowUiUpdates: boolean; options: { path: string } }[];
    }>('provisioning/grafana/provisioning/dashboards/kewhats.yml');
    assert.equal(providers.length, 1);
    const [provider] = providers;
    assert.equal(provider!.type, 'file');
    assert.equal(provider!.folder, 'KeWhats Monitoring');
    assert.equal(provider!.disableDeletion, true);
    assert.equal(provider!.allowUiUpdates, false);
    assert.equal(provider!.options.path, '/var/lib/grafana/dashboards/kewhats');
    assert.ok(
      setting('dashboards', 'default_home_dashboard_path')!.startsWith(`${provider!.options.path}/`),
      'the home dashboard lives in the provisioned folder',
    );
  });

  test('plugins: the kewhats-monitoring-app is enabled', () => {
    const { apps } = readRepoYaml<{ apps: { type: string; org_id?: number; disabled?: boolean }[] }>(
      'provisioning/grafana/provisioning/plugins/kewhats.yml',
    );
    assert.deepEqual(
      apps.map((app) => ({ type: app.type, disabled: app.disabled ?? false })),
      [{ type: 'kewhats-monitoring-app', disabled: false }],
    );
  });
});

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('no secret literal in grafana.ini or the provisioning files', () => {
  const root = repoPath('provisioning/grafana');
  const files = [join(root, 'grafana.ini'), ...filesUnder(join(root, 'provisioning'))];
  for (const file of files) {
    const text = readRepoFile(relative(repoPath(''), file));
    const name = relative(root, file);
    assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, `${name}: private key`);
    assert.doesNotMatch(text, /\b[0-9a-f]{32,}\b/i, `${name}: long hex string (a token?)`);
    for (const [candidate] of text.matchAll(/[A-Za-z0-9+/]{32,}={0,2}/g)) {
      assert.ok(!/\d/.test(candidate) || !/[A-Za-z]/.test(candidate), `${name}: long base64-like string (a token?)`);
    }
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]+/, `${name}: JWT`);
    // secret-looking keys may only hold environment references
    for (const match of text.matchAll(/^\s*(?:[\w.-]*(?:password|secret|token|api_key)[\w.-]*)\s*[=:]\s*(.+)$/gim)) {
      const value = match[1]!.trim();
      assert.match(value, /^(\$[A-Z_][A-Z0-9_]*|\$__env\{[A-Z_][A-Z0-9_]*\}|\$__file\{[^}]+\})?$/, `${name}: ${match[0].trim()}`);
    }
  }
  assert.equal(ini.security?.secret_key, undefined, 'secret_key comes from GF_SECURITY_SECRET_KEY, never from the file');
  assert.equal(ini.security?.admin_password, undefined);
});
