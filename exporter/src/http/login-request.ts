import type { Request } from 'express';
import { z } from 'zod';
import type { AccountServices } from '../auth/account-services.js';
import type { AccountWithCredentials } from '../auth/user-accounts.js';
import { HttpError } from './errors.js';
import { checkPasswordWithinLimits } from './login-rate-limits.js';

export const loginRequestSchema = z.object({
  email: z
    .string({ message: 'email is required' })
    .trim()
    .toLowerCase()
    .min(1, 'email is required')
    .max(320, 'email is too long')
    .pipe(z.email({ message: 'email must be an email address' })),
  password: z.string({ message: 'password is required' }).min(1, 'password is required').max(1024, 'password is too long'),
});

export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** Validates `req.body` as {email, password}, normalised. Bad input is a 400. */
export function readLoginRequest(req: Request): LoginRequest {
  const parsed = loginRequestSchema.safeParse(req.body ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', parsed.error.issues[0]?.message ?? 'email and password are required');
  return parsed.data;
}

/**
 * Checks a sign-in's email and password under the login limits: the account when they match,
 * undefined when not (401 for the caller), 429 when rate-limited, 503 when the database is down.
 */
export function signInAttempt(
  services: Pick<AccountServices, 'checkCredentials' | 'loginThrottle'>,
  req: Request,
  login: LoginRequest,
): Promise<AccountWithCredentials | undefined> {
  return checkPasswordWithinLimits(services.loginThrottle, req, login.email, () => services.checkCredentials(login.email, login.password));
}

export const INVALID_CREDENTIALS = 'invalid email or password';
