import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { hashPassword } from '../../../src/auth/passwords.js';
import type { Role } from '../../../src/auth/roles.js';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  role: Role;
}

/** Inserts an account straight into "User" (no seed, no API), with a real argon2id hash. */
export async function createAccount(pool: pg.Pool, account: { email: string; role: Role; password?: string }): Promise<TestAccount> {
  const id = randomUUID();
  const password = account.password ?? `pw-${randomUUID()}`;
  await pool.query(`INSERT INTO "User" ("id", "email", "passwordHash", "role", "updatedAt") VALUES ($1, $2, $3, $4::"Role", now())`, [
    id,
    account.email,
    await hashPassword(password),
    account.role,
  ]);
  return { id, email: account.email, password, role: account.role };
}

export async function roleOf(pool: pg.Pool, id: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ role: string }>(`SELECT "role"::text AS "role" FROM "User" WHERE "id" = $1`, [id]);
  return rows[0]?.role;
}

let lastClientIp = 0;
/**
 * A distinct client address per call, sent as X-Forwarded-For to an exporter started with
 * TRUST_PROXY=loopback, so the per-IP sign-in limiter of one test does not bleed into the next.
 */
export function freshClientIp(): string {
  lastClientIp += 1;
  return `10.${(lastClientIp >> 16) & 255}.${(lastClientIp >> 8) & 255}.${lastClientIp & 255}`;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
