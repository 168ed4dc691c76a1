import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import jwt from 'jsonwebtoken';
import { generateRsaKeyPair } from '../../src/auth/keys.js';
import { refuseMonitoringRole } from '../../src/tracking/platform-guard.js';
import { testKeys } from '../support/test-exporter.js';

/**
 * A stand-in for the platform: its own (simplified) authentication, then the guard on the
 * WhatsApp routes, then handlers that would send messages.
 */
function samplePlatform(guard: express.RequestHandler): express.Express {
  const app = express();
  const whatsapp = express.Router();
  whatsapp.post('/devices/:id/messages', (req, res) => {
    res.status(201).json({ sent: true, device: req.params.id });
  });
  whatsapp.get('/devices', (_req, res) => {
    res.json({ devices: [] });
  });
  app.use(guard, whatsapp);
  return app;
}

describe('refuseMonitoringRole (platform guard)', () => {
  const keys = testKeys();
  const previous = generateRsaKeyPair();
  const stranger = generateRsaKeyPair();
  let server: Server;
  let url: string;

  const token = (role: string, options: { key?: string; expiresIn?: number; issuer?: string; algorithm?: jwt.Algorithm } = {}) =>
    jwt.sign({ email: `${role}@kewhats.test`, role }, options.key ?? keys.privateKey, {
      algorithm: options.algorithm ?? 'RS256',
      subject: `id-${role}`,
      expiresIn: options.expiresIn ?? 300,
      ...(options.issuer ? { issuer: options.issuer } : {}),
    });

  const sendMessage = (authorization?: string) =>
    fetch(`${url}/devices/dev-1/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      body: JSON.stringify({ to: '628123456789', text: 'hello' }),
    });

  before(async () => {
    const guard = refuseMonitoringRole({ publicKeys: [keys.publicKey, previous.publicKey] });
    server = samplePlatform(guard).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers 403 in the API error shape to a monitoring token on a WhatsApp route', async () => {
    const response = await sendMessage(`Bearer ${token('monitoring')}`);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      error: { code: 'forbidden', message: 'the monitoring role may not use the WhatsApp features' },
    });
    const list = await fetch(`${url}/devices`, { headers: { Authorization: `Bearer ${token('monitoring')}` } });
    assert.equal(list.status, 403);
  });

  it('refuses monitoring tokens signed with the previous key during a rotation', async () => {
    const response = await sendMessage(`Bearer ${token('monitoring', { key: previous.privateKey })}`);
    assert.equal(response.status, 403);
  });

  it('lets user and admin tokens through', async () => {
    for (const role of ['user', 'admin']) {
      const response = await sendMessage(`Bearer ${token(role)}`);
      assert.equal(response.status, 201, role);
      assert.deepEqual(await response.json(), { sent: true, device: 'dev-1' });
    }
  });

  it('leaves tokens it cannot verify, and requests without one, to the platform', async () => {
    const unverifiable = [
      undefined,
      'Bearer not-a-jwt',
      `Bearer ${token('monitoring', { key: stranger.privateKey })}`,
      `Bearer ${token('monitoring', { expiresIn: -60 })}`,
      `Bearer ${jwt.sign({ role: 'monitoring' }, 'shared-secret', { algorithm: 'HS256' })}`,
      'Basic bW9uaXRvcmluZzpwdw==',
    ];
    for (const authorization of unverifiable) {
      assert.equal((await sendMessage(authorization)).status, 201, String(authorization));
    }
  });

  it('checks the issuer when one is configured, and accepts a single key as a string', async () => {
    const guarded = samplePlatform(refuseMonitoringRole({ publicKeys: keys.publicKey, issuer: 'https://kewhats.test' }));
    const other = guarded.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const post = (t: string) => fetch(`${otherUrl}/devices/d/messages`, { method: 'POST', headers: { Authorization: `Bearer ${t}` } });
      assert.equal((await post(token('monitoring', { issuer: 'https://kewhats.test' }))).status, 403);
      assert.equal((await post(token('monitoring', { issuer: 'https://elsewhere.test' }))).status, 201);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('refuses to be built without a public key', () => {
    assert.throws(() => refuseMonitoringRole({ publicKeys: [] }), /at least one PEM public key/);
  });
});
