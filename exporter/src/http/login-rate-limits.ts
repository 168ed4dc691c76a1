import type { Request } from 'express';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { errorFields } from '../logger.js';
import { HttpError } from './errors.js';

function inWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** 429 in the API's error shape, with Retry-After. */
export function tooManyAttempts(retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, 'rate_limited', `too many sign-in attempts: try again in ${inWords(seconds)}`, { 'Retry-After': String(seconds) });
}

function unavailable(req: Request, error: unknown): HttpError {
  req.log?.error(errorFields(error), 'password check failed');
  return new HttpError(503, 'unavailable', 'sign-in is unavailable: database unreachable', { 'Retry-After': '5' });
}

/**
 * Runs one password check under the login limits (docs/security.md): every endpoint that
 * checks a password — POST /api/auth/login, the gateway's POST /login, the password change —
 * goes through here, so switching endpoints buys an attacker nothing. The client is the
 * request's address (`req.ip`: the proxy's client with TRUST_PROXY). `check` answers the
 * account when the password is right, undefined when it is wrong.
 */
export async function checkPasswordWithinLimits<T>(
  throttle: LoginThrottle,
  req: Request,
  email: string,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  let attempt: Awaited<ReturnType<LoginThrottle['attempt']>>;
  try {
    attempt = await throttle.attempt(email, req.ip ?? req.socket.remoteAddress ?? 'unknown');
  } catch (error) {
    throw unavailable(req, error);
  }
  if (!attempt.allowed) throw tooManyAttempts(attempt.retryAfterMs);
  let result: T | undefined;
  try {
    result = await check();
  } catch (error) {
    throw unavailable(req, error);
  }
  try {
    await attempt.settle(result !== undefined);
  } catch (error) {
    // The outcome counts for little next to the answer: a lost give-back only costs one free failure.
    req.log?.warn(errorFields(error), 'recording a sign-in outcome failed');
  }
  return result;
}
