import assert from 'node:assert/strict';
import type { TestAccount } from '../../auth/support/accounts.js';

export const SESSION_COOKIE = 'kewhats_session';

/** The session cookie set by a response, as `name=value` for a Cookie header, plus its attributes. */
export function sessionCookieOf(response: Response): { pair: string; value: string; attributes: string[] } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { pair: pair!, value: pair!.slice(SESSION_COOKIE.length + 1), attributes };
}

export function isClearedCookie(cookie: ReturnType<typeof sessionCookieOf>): boolean {
  return cookie !== undefined && cookie.value === '' && cookie.attributes.some((attribute) => /^max-age=0$/i.test(attribute));
}

export interface SignedIn {
  /** `kewhats_session=…`, for a Cookie header */
  cookie: string;
  csrfToken: string;
}

/** Signs in through the gateway's JSON variant of POST /login. */
export async function signIn(
  baseUrl: string,
  account: Pick<TestAccount, 'email' | 'password'>,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const response = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  assert.equal(response.status, 200, `sign-in of ${account.email}: ${await response.clone().text()}`);
  const body = (await response.json()) as { csrfToken: string };
  return { cookie: sessionCookieOf(response)!.pair, csrfToken: body.csrfToken };
}

/** A clock tests move by hand (epoch ms), shared by every exporter they start with it. */
export class ManualClock {
  private nowMs = Date.now();
  readonly read = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
