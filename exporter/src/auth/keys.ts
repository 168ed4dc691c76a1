import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PemKeyPair {
  privateKey: string;
  publicKey: string;
}

export const PRIVATE_KEY_FILE = 'jwt-private.pem';
export const PUBLIC_KEY_FILE = 'jwt-public.pem';

/** A fresh RS256 key pair (RSA 2048, PEM: PKCS#8 private, SPKI public). */
export function generateRsaKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/**
 * Reads the key pair kept in `dir`, creating it on first use. The private key is written
 * owner-only; an existing pair is never overwritten (rotation is a deliberate operator act).
 */
export function ensureKeyPairInDir(dir: string): PemKeyPair & { created: boolean } {
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return {
      privateKey: readFileSync(privatePath, 'utf8'),
      publicKey: readFileSync(publicPath, 'utf8'),
      created: false,
    };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateRsaKeyPair();
  writeFileSync(privatePath, pair.privateKey, { mode: 0o600 });
  writeFileSync(publicPath, pair.publicKey, { mode: 0o644 });
  return { ...pair, created: true };
}
