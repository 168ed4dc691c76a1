import type { Request, RequestHandler } from 'express';
import { rateLimit, type AugmentedRequest, type Options } from 'express-rate-limit';
import { normalizeEmail } from '../auth/user-accounts.js';
import { HttpError } from './errors.js';

export interface LoginRateLimitOptions {
  windowMs?: number;
  /** failed sign-ins per client IP and window */
  perIp?: number;
  /** failed sign-ins per account email and window */
  perAccount?: number;
}

/**
 * The two sign-in limiters, shared by POST /api/auth/login and the gateway's POST /login so
 * that switching endpoints does not buy an attacker more guesses.
 */
export interface LoginRateLimits {
  /** before the body is read: guessing many accounts from one address */
  perIp: RequestHandler;
  /** after the body is validated (needs `req.body.email`): guessing one account from many addresses */
  perAccount: RequestHandler;
}

const FIFTEEN_MINUTES = 15 * 60 * 1000;

function retryAfterSeconds(req: Request, windowMs: number): number {
  const resetTime = (req as AugmentedRequest).rateLimit?.resetTime;
  const ms = resetTime ? resetTime.getTime() - Date.now() : windowMs;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** 429 in the API's error shape (through the router's error handler) with Retry-After. */
function tooManyAttempts(windowMs: number): Options['handler'] {
  return (req, _res, next) => {
    const seconds = retryAfterSeconds(req, windowMs);
    const minutes = Math.ceil(seconds / 60);
    next(
      new HttpError(429, 'rate_limited', `too many sign-in attempts: try again in ${minutes} minute${minutes === 1 ? '' : 's'}`, {
        'Retry-After': String(seconds),
      }),
    );
  };
}

function submittedEmail(req: Request): string | undefined {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email.trim() !== '' ? normalizeEmail(email) : undefined;
}

/**
 * Only failed attempts count (a successful sign-in gives its attempt back), so a team behind
 * one NAT address can sign in all day while a guesser is stopped after a few misses. Counters
 * live in memory: each exporter replica counts on its own.
 */
export function createLoginRateLimits(options: LoginRateLimitOptions = {}): LoginRateLimits {
  const windowMs = options.windowMs ?? FIFTEEN_MINUTES;
  const common = {
    windowMs,
    skipSuccessfulRequests: true,
    // Retry-After comes with the error; the draft RateLimit headers would only add noise.
    standardHeaders: false,
    legacyHeaders: false,
    handler: tooManyAttempts(windowMs),
  } as const;
  return {
    perIp: rateLimit({ ...common, limit: options.perIp ?? 20 }),
    perAccount: rateLimit({
      ...common,
      limit: options.perAccount ?? 5,
      // Keyed by the email as typed (normalised), whether or not such an account exists, so
      // the limiter answers the same for real and made-up emails.
      keyGenerator: (req) => `account:${submittedEmail(req)}`,
      skip: (req) => submittedEmail(req) === undefined,
    }),
  };
}
