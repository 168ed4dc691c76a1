import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isExporterPath } from '../../src/gateway/exporter-paths.js';
import { safeNextPath } from '../../src/gateway/redirect-target.js';
import type { IncomingMessage } from 'node:http';
import { isSameOrigin, ownHosts } from '../../src/gateway/same-origin.js';
import { cookieHeaderWithoutSession, readSessionId } from '../../src/gateway/session-cookie.js';
import { isIdentityHeader } from '../../src/gateway/upstream-headers.js';

describe('safeNextPath', () => {
  it('keeps same-site paths with their query and fragment', () => {
    for (const path of ['/', '/d/abc', '/d/abc/sales?orgId=1&from=now-6h', '/explore#left', '/api/search?query=a%20b']) {
      assert.equal(safeNextPath(path), path);
    }
  });

  it('turns everything that could leave the site, or loop, into /', () => {
    const unsafe = [
      undefined,
      '',
      42,
      ['/d/a', '/d/b'],
      'https://evil.example/',
      'http:evil.example',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/.//evil.example',
      '/x/..//evil.example',
      '/%2e%2e//evil.example',
      '/%2E%2E/%2e//evil.example',
      '/./login',
      'javascript:alert(1)',
      'd/relative',
      '/login',
      '/LOGIN?next=/x',
      '/logout',
      `/${'a'.repeat(3000)}`,
    ];
    for (const value of unsafe) assert.equal(safeNextPath(value), '/', JSON.stringify(value));
  });
});

describe('isExporterPath', () => {
  it('claims the exporter prefixes in any case, and only them', () => {
    for (const path of [
      '/api/monitoring',
      '/api/monitoring/users',
      '/API/Monitoring/users',
      '/api/auth/login',
      '/api/admin/users/x/role',
      '/metrics',
      '/healthz',
      '/readyz',
      '/login',
      '/logout',
    ]) {
      assert.equal(isExporterPath(path), true, path);
    }
    for (const path of [
      '/',
      '/api/dashboards/uid/x',
      '/api/live/ws',
      '/api/search',
      '/api/monitoringx',
      '/metricsx',
      '/d/abc',
      '/public/build/app.js',
      '/api/authx',
    ]) {
      assert.equal(isExporterPath(path), false, path);
    }
  });
});

describe('isSameOrigin', () => {
  it('compares the Origin host with the hosts the request calls ours', () => {
    assert.equal(isSameOrigin('http://127.0.0.1:9470', ['127.0.0.1:9470']), true);
    assert.equal(isSameOrigin('https://Monitoring.KeWhats.app', ['localhost:9470', 'monitoring.kewhats.app']), true);
    assert.equal(isSameOrigin('https://evil.example', ['monitoring.kewhats.app']), false);
    assert.equal(isSameOrigin('null', ['monitoring.kewhats.app']), false);
    assert.equal(isSameOrigin('file://monitoring.kewhats.app', ['monitoring.kewhats.app']), false);
    assert.equal(isSameOrigin('https://monitoring.kewhats.app', [undefined]), false);
  });
});

describe('ownHosts', () => {
  const request = (remoteAddress: string) =>
    ({
      headers: { host: '127.0.0.1:9470', 'x-forwarded-host': 'monitoring.kewhats.app, inner' },
      socket: { remoteAddress },
    }) as unknown as IncomingMessage;

  it('adds X-Forwarded-Host only when the hop that sent it is a trusted proxy', () => {
    assert.deepEqual(
      ownHosts(request('10.0.0.9'), () => false),
      ['127.0.0.1:9470'],
    );
    assert.deepEqual(
      ownHosts(request('10.0.0.9'), (address) => address === '10.0.0.9'),
      ['127.0.0.1:9470', 'monitoring.kewhats.app'],
    );
  });
});

describe('isIdentityHeader', () => {
  it('drops every header that names a user to some Grafana auth method, in any spelling', () => {
    for (const name of [
      'authorization',
      'Proxy-Authorization',
      'x-jwt-assertion',
      'X_JWT_Assertion',
      'x-webauth-user',
      'X-WEBAUTH-GROUPS',
      'x_webauth_email',
      'x-grafana-org-id',
      'x-grafana-id',
      'x-grafana-anything',
      'x-access-token',
      'remote-user',
      'x-forwarded-user',
      'x-auth-request-email',
    ]) {
      assert.equal(isIdentityHeader(name), true, name);
    }
    for (const name of [
      'accept',
      'cookie',
      'content-type',
      'x-grafana-nocache',
      'x-dashboard-uid',
      'x-forwarded-for',
      'x-forwarded-proto',
      'origin',
    ]) {
      assert.equal(isIdentityHeader(name), false, name);
    }
  });
});

describe('session cookie helpers', () => {
  it('reads the session token and strips only the session cookie for Grafana', () => {
    assert.equal(readSessionId('a=1; kewhats_session=abc.def.ghi; b=2'), 'abc.def.ghi');
    assert.equal(readSessionId('a=1'), undefined);
    assert.equal(readSessionId(undefined), undefined);
    assert.equal(cookieHeaderWithoutSession('grafana_session=x%20y; kewhats_session=t; theme=dark'), 'grafana_session=x%20y; theme=dark');
    assert.equal(cookieHeaderWithoutSession('kewhats_session=t'), undefined);
    assert.equal(cookieHeaderWithoutSession('kewhats_session_old=t'), 'kewhats_session_old=t');
  });
});
