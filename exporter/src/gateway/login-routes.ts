import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import type { AccountServices } from '../auth/account-services.js';
import { displayName } from '../auth/access-token.js';
import { isStaffRole } from '../auth/staff-sessions.js';
import { NO_ACCESS } from '../http/authenticate.js';
import { HttpError } from '../http/errors.js';
import { INVALID_CREDENTIALS, readLoginRequest, signInAttempt } from '../http/login-request.js';
import { gatewayPageHeaders, renderLoginPage } from './pages.js';
import { safeNextPath } from './redirect-target.js';
import { isSameOrigin, ownHosts } from './same-origin.js';
import { sessionSetCookie } from './session-cookie.js';

export interface LoginRoutesOptions {
  services: AccountServices;
  /** with Grafana behind the gateway, sessions need the signing key to mint its access tokens */
  needsSigningKey: boolean;
  /** where the console is when `/` is Grafana's (the sign-in page links to it) */
  consoleHref?: string;
}

interface LoginLocals {
  /** answering the HTML form (not the JSON variant): errors become the page again */
  loginPage?: { next: string; email?: string };
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

type LoginView = Parameters<typeof renderLoginPage>[0];

/**
 * GET /login (the sign-in page) and POST /login (the form, or JSON): a correct password of a
 * staff account starts a server-side session and sets its cookie. Served with or without
 * Grafana behind the gateway.
 */
export function createLoginRoutes(options: LoginRoutesOptions): Router {
  const { services } = options;
  const router = Router();
  const sendPage = (res: Response, status: number, view: LoginView) => {
    res
      .status(status)
      .type('html')
      .send(renderLoginPage({ ...view, consoleHref: options.consoleHref }));
  };

  router.get('/login', ...gatewayPageHeaders, (req, res) => {
    sendPage(res, 200, { next: safeNextPath(req.query.next) });
  });

  router.post(
    '/login',
    ...gatewayPageHeaders,
    (req: Request, res: Response<unknown, LoginLocals>, next: NextFunction) => {
      if (!req.is('application/json')) res.locals.loginPage = { next: safeNextPath(req.query.next) };
      // Same-origin form only. SameSite=Lax already keeps the cookie off cross-site POSTs; this
      // also stops a foreign page from signing a browser into an account of its choosing.
      const origin = req.headers.origin;
      if (origin !== undefined && !isSameOrigin(origin, ownHosts(req, req.app.get('trust proxy fn')))) {
        throw new HttpError(403, 'forbidden', 'sign-in requests from another site are refused');
      }
      next();
    },
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
    express.json({ limit: '8kb' }),
    async (req: Request, res: Response<unknown, LoginLocals>) => {
      const page = res.locals.loginPage;
      if (page) {
        const body = (req.body ?? {}) as { next?: unknown; email?: unknown };
        page.next = safeNextPath(body.next ?? req.query.next);
        if (typeof body.email === 'string') page.email = body.email.trim().slice(0, 320);
      }
      const login = readLoginRequest(req);
      if (options.needsSigningKey && !services.jwt.privateKey) {
        throw new HttpError(503, 'unavailable', 'sign-in is not configured on this exporter (JWT_PRIVATE_KEY)');
      }
      const account = await signInAttempt(services, req, login);
      if (!account) throw new HttpError(401, 'unauthorized', INVALID_CREDENTIALS);
      // The password was right, so saying why is no leak: ordinary users have no access here.
      if (!isStaffRole(account.role)) throw new HttpError(403, 'forbidden', NO_ACCESS);
      const { secret, session } = await services.sessions.start(account, req.get('user-agent'));
      res.append('Set-Cookie', sessionSetCookie(secret, { maxAgeSeconds: services.sessions.settings.maxAgeMs / 1000, secure: req.secure }));
      req.log?.info({ userId: account.id, role: account.role }, 'staff sign-in');
      if (page) return void res.redirect(303, page.next);
      res.json({
        expiresAt: session.expiresAt.toISOString(),
        idleExpiresAt: session.idleExpiresAt.toISOString(),
        user: { id: account.id, email: account.email, name: displayName(account), role: account.role },
        csrfToken: session.csrfToken,
      });
    },
  );

  router.all('/login', () => {
    throw new HttpError(405, 'method_not_allowed', 'sign in with POST', { Allow: 'GET, POST' });
  });

  // The HTML form's failures come back as the page with the problem on it; everything else
  // (the JSON variant included) goes on to the exporter's JSON errors.
  const loginPageErrors: ErrorRequestHandler = (error, _req, res: Response<unknown, LoginLocals>, next) => {
    const page = res.locals.loginPage;
    if (!page || res.headersSent) return next(error);
    if (error instanceof HttpError) {
      res.set(error.headers);
      const text =
        error.status === 401
          ? 'The email or password is incorrect.'
          : error.status === 503
            ? 'Sign-in is unavailable right now. Try again in a moment.'
            : sentence(error.message);
      return sendPage(res, error.status, { next: page.next, email: page.email, error: text });
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendPage(res, 400, { next: page.next, email: page.email, error: 'The form could not be read. Please try again.' });
    }
    next(error);
  };
  router.use(loginPageErrors);
  return router;
}
