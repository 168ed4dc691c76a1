import express, { Router } from 'express';
import type { SignIn } from '../auth/sign-in.js';
import { HttpError } from './errors.js';
import type { LoginRateLimits } from './login-rate-limits.js';
import { attemptSignIn, INVALID_CREDENTIALS, readLoginRequest } from './login-request.js';

export interface AuthRoutesOptions {
  signIn: SignIn;
  rateLimits: LoginRateLimits;
}

/**
 * /api/auth: POST /login exchanges an email and password for an RS256 access token. Every role
 * signs in here, `user` included (the platform may rely on it); the Grafana gateway is the one
 * that turns ordinary users away.
 */
export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const router = Router();

  router.post(
    '/login',
    options.rateLimits.perIp,
    express.json({ limit: '8kb' }),
    (req, _res, next) => {
      readLoginRequest(req);
      next();
    },
    options.rateLimits.perAccount,
    async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const result = await attemptSignIn(options.signIn, req, req.body);
      if (!result.ok) throw new HttpError(401, 'unauthorized', INVALID_CREDENTIALS);
      res.json({ token: result.token, expiresAt: result.expiresAt.toISOString(), user: result.user });
    },
  );

  router.all('/login', () => {
    throw new HttpError(405, 'method_not_allowed', 'sign in with POST', { Allow: 'POST' });
  });

  // The prefix is the exporter's even with the Grafana gateway on: nothing here reaches Grafana.
  router.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.baseUrl}${req.path}`);
  });
  return router;
}
