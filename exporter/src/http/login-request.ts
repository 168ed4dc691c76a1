import type { Request } from 'express';
import { z } from 'zod';
import { SignInUnavailableError, type SignIn, type SignInResult } from '../auth/sign-in.js';
import { HttpError } from './errors.js';
import { errorFields } from '../logger.js';

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

/**
 * Validates `req.body` as {email, password} and replaces it with the normalised values (the
 * per-account rate limiter reads the email from there). Bad input is a 400.
 */
export function readLoginRequest(req: Request): LoginRequest {
  const parsed = loginRequestSchema.safeParse(req.body ?? {});
  if (!parsed.success) throw new HttpError(400, 'bad_request', parsed.error.issues[0]?.message ?? 'email and password are required');
  req.body = parsed.data;
  return parsed.data;
}

/** Runs a sign-in, turning infrastructure failures into a 503 (never the password in a log). */
export async function attemptSignIn(signIn: SignIn, req: Request, login: LoginRequest): Promise<SignInResult> {
  try {
    return await signIn(login.email, login.password);
  } catch (error) {
    if (error instanceof SignInUnavailableError) throw new HttpError(503, 'unavailable', error.message);
    req.log?.error(errorFields(error), 'sign-in failed');
    throw new HttpError(503, 'unavailable', 'sign-in is unavailable: database unreachable', { 'Retry-After': '5' });
  }
}

export const INVALID_CREDENTIALS = 'invalid email or password';
