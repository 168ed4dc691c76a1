// src/cli/generate-keys.ts, run as the compose `keys` one-shot runs it: creates the RS256 pair
// once, keeps it afterwards, copies only the public key for Grafana, never prints key material.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { describeRun, repoPath, run } from './support.js';

const CLI = 'src/cli/generate-keys.ts';
const generateKeys = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: repoPath('exporter'), timeoutMs: 60_000 });
const mode = (path: string) => statSync(path).mode & 0o777;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kewhats-keys-'));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('creates the pair on the first run, keeps it on the second', async () => {
  const out = join(dir, 'keys');
  const publicDir = join(dir, 'jwt-public');

  const first = await generateKeys('--out', out, '--public-dir', publicDir);
  assert.equal(first.code, 0, describeRun(first));
  assert.match(first.stdout, new RegExp(`^created ${join(out, 'jwt-private.pem')}`, 'm'));
  assert.match(first.stdout, new RegExp(`^created ${join(out, 'jwt-public.pem')}`, 'm'));
  assert.match(first.stdout, new RegExp(`^wrote ${join(publicDir, 'jwt-public.pem')}`, 'm'));
  const privateKey = readFileSync(join(out, 'jwt-private.pem'), 'utf8');
  const publicKey = readFileSync(join(out, 'jwt-public.pem'), 'utf8');

  const second = await generateKeys('--out', out, '--public-dir', publicDir);
  assert.equal(second.code, 0, describeRun(second));
  assert.match(second.stdout, new RegExp(`^kept existing ${join(out, 'jwt-private.pem')}`, 'm'));
  assert.match(second.stdout, new RegExp(`^kept existing ${join(out, 'jwt-public.pem')}`, 'm'));
  assert.match(second.stdout, new RegExp(`^kept ${join(publicDir, 'jwt-public.pem')}`, 'm'));
  assert.doesNotMatch(second.stdout, /^created/m);
  assert.equal(readFileSync(join(out, 'jwt-private.pem'), 'utf8'), privateKey, 'the private key is never replaced');
  assert.equal(readFileSync(join(out, 'jwt-public.pem'), 'utf8'), publicKey);

  for (const result of [first, second]) {
    assert.doesNotMatch(result.stdout + result.stderr, /-----BEGIN|PRIVATE KEY-----/, 'no key material is printed');
    assert.ok(!(result.stdout + result.stderr).includes(privateKey.split('\n')[1]!));
  }
});

test('private key owner-only (0600), public keys readable (0644), a valid RS256 pair', async () => {
  const out = join(dir, 'modes');
  const publicDir = join(dir, 'modes-public');
  const result = await generateKeys('--out', out, '--public-dir', publicDir);
  assert.equal(result.code, 0, describeRun(result));
  assert.equal(mode(join(out, 'jwt-private.pem')), 0o600);
  assert.equal(mode(join(out, 'jwt-public.pem')), 0o644);
  assert.equal(mode(join(publicDir, 'jwt-public.pem')), 0o644);

  const privatePem = readFileSync(join(out, 'jwt-private.pem'), 'utf8');
  const publicPem = readFileSync(join(out, 'jwt-public.pem'), 'utf8');
  assert.match(privatePem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
  const privateKey = createPrivateKey(privatePem);
  assert.equal(privateKey.asymmetricKeyType, 'rsa');
  assert.ok((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048);
  const data = Buffer.from('kewhats');
  const signature = sign('sha256', data, privateKey);
  assert.ok(verify('sha256', data, createPublicKey(publicPem), signature), 'the public key verifies the private key');

  // The public-only directory (Grafana's mount) holds the public key and nothing else.
  assert.deepEqual(readdirSync(publicDir), ['jwt-public.pem']);
  assert.equal(readFileSync(join(publicDir, 'jwt-public.pem'), 'utf8'), publicPem);
});

test('a kept private key with loose permissions is tightened to 0600', async () => {
  const out = join(dir, 'loose');
  assert.equal((await generateKeys('--out', out)).code, 0);
  chmodSync(join(out, 'jwt-private.pem'), 0o644);
  const result = await generateKeys('--out', out);
  assert.equal(result.code, 0, describeRun(result));
  assert.equal(mode(join(out, 'jwt-private.pem')), 0o600);
  assert.match(result.stdout, /tightened .* from mode 0644 to 0600/);
});

test('the public copy follows the pair when it is out of date', async () => {
  const out = join(dir, 'sync');
  const publicDir = join(dir, 'sync-public');
  assert.equal((await generateKeys('--out', out, '--public-dir', publicDir)).code, 0);
  // A rotation: the operator replaced the pair; the next run must refresh Grafana's copy.
  rmSync(out, { recursive: true });
  const rotated = await generateKeys('--out', out, '--public-dir', publicDir);
  assert.equal(rotated.code, 0, describeRun(rotated));
  assert.match(rotated.stdout, /^wrote /m);
  assert.equal(readFileSync(join(publicDir, 'jwt-public.pem'), 'utf8'), readFileSync(join(out, 'jwt-public.pem'), 'utf8'));
});

test('usage errors exit 2 without creating anything', async () => {
  for (const args of [[], ['--out'], ['--bogus', 'x'], ['positional']]) {
    const result = await generateKeys(...args);
    assert.equal(result.code, 2, `${JSON.stringify(args)}: ${describeRun(result)}`);
    assert.match(result.stderr, /usage: generate-keys --out DIR/);
  }
  assert.equal(existsSync(join(repoPath('exporter'), 'x')), false);
});
