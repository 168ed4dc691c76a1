import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { SignIn } from '../auth/sign-in.js';
import type { JwtKeys } from '../config.js';
import { errorBody, HttpError, type ErrorCode } from '../http/errors.js';
import type { LoginRateLimits } from '../http/login-rate-limits.js';
import { attemptSignIn, INVALID_CREDENTIALS, readLoginRequest } from '../http/login-request.js';
import { isExporterPath, pathOf } from './exporter-paths.js';
import { createGrafanaProxy, prepareUpstreamHeaders } from './grafana-proxy.js';
import { LOGIN_PAGE_CSP, renderLoginPage } from './login-page.js';
import { safeNextPath } from './redirect-target.js';
import { isSameOrigin } from './same-origin.js';
import { checkSession, mayUseGrafana, type SessionCheck } from './session.js';
import { clearedSessionSetCookie, sessionSetCookie } from './session-cookie.js';

export interface GatewayOptions {
  grafanaUrl: string;
  jwt: JwtKeys;
  signIn: SignIn;
  rateLimits: LoginRateLimits;
  logger: Logger;
}

/** Websocket upgrades (Grafana Live) through the gateway. */
export interface UpgradeHandler {
  /** the server's 'upgrade' listener: authenticated websockets go to Grafana */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** cuts every proxied websocket (shutdown: upgraded sockets keep a server from closing) */
  closeAll(): void;
}

export interface Gateway {
  /** /login, /logout, and the proxy for every path the exporter does not own */
  router: Router;
  upgrades: UpgradeHandler;
}

const NO_ACCESS = 'this account has no access to KeWhats Monitoring: ask an administrator for the monitoring role';

interface LoginLocals {
  /** answering the HTML form (not the JSON variant): errors become the page again */
  loginPage?: { next: string; email?: string };
}

/** The hosts this request calls ours: Host, and the X-Forwarded-Host a proxy in front may set. */
function ownHosts(req: IncomingMessage): Array<string | undefined> {
  const forwarded = req.headers['x-forwarded-host'];
  const firstForwarded = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return [req.headers.host, firstForwarded];
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Navigations get the sign-in page; API calls, XHR and writes get a 401 they can act on. */
function wantsSignInRedirect(req: Request): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (req.xhr || req.path.toLowerCase().startsWith('/api/')) return false;
  const accept = req.headers.accept ?? '';
  return !(accept.includes('application/json') && !accept.includes('text/html'));
}

function sendUpgradeRefusal(socket: Duplex, status: number, reason: string, code: ErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}

/**
 * The Grafana login gateway. Staff sign in here with their KeWhats account; from then on every
 * request to Grafana carries their access token in X-JWT-Assertion, which Grafana's JWT auth
 * maps to a Grafana role (admin → Admin, monitoring → Viewer). Signed-out requests never reach
 * Grafana.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const { signIn, rateLimits } = options;
  // Sessions are checked against the current key only: Grafana trusts exactly one key, so a
  // session signed with the previous key would fail there anyway. After a key rotation the
  // gateway sends such sessions to /login at once instead of handing Grafana a token it rejects.
  const jwt: JwtKeys = { ...options.jwt, publicKeys: options.jwt.publicKeys.slice(0, 1) };
  const websockets = new Set<Duplex>();
  const proxy = createGrafanaProxy({ grafanaUrl: options.grafanaUrl, logger: options.logger });
  const router = Router();

  const pageHeaders = [
    helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false, frameguard: { action: 'deny' } }),
    (_req: Request, res: Response, next: NextFunction) => {
      res.set({ 'Content-Security-Policy': LOGIN_PAGE_CSP, 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
      next();
    },
  ];

  const sendPage = (res: Response, status: number, view: Parameters<typeof renderLoginPage>[0]) => {
    res.status(status).type('html').send(renderLoginPage(view));
  };

  router.get('/login', ...pageHeaders, (req, res) => {
    sendPage(res, 200, { next: safeNextPath(req.query.next) });
  });

  router.post(
    '/login',
    ...pageHeaders,
    (req: Request, res: Response<unknown, LoginLocals>, next: NextFunction) => {
      if (!req.is('application/json')) res.locals.loginPage = { next: safeNextPath(req.query.next) };
      // Same-origin form only. SameSite=Lax already keeps the cookie off cross-site POSTs; this
      // also stops a foreign page from signing a browser into an account of its choosing.
      const origin = req.headers.origin;
      if (origin !== undefined && !isSameOrigin(origin, ownHosts(req))) {
        throw new HttpError(403, 'forbidden', 'sign-in requests from another site are refused');
      }
      next();
    },
    rateLimits.perIp,
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
    express.json({ limit: '8kb' }),
    (req: Request, res: Response<unknown, LoginLocals>, next: NextFunction) => {
      const page = res.locals.loginPage;
      if (page) {
        const body = (req.body ?? {}) as { next?: unknown; email?: unknown };
        page.next = safeNextPath(body.next ?? req.query.next);
        if (typeof body.email === 'string') page.email = body.email.trim().slice(0, 320);
      }
      readLoginRequest(req);
      next();
    },
    rateLimits.perAccount,
    async (req: Request, res: Response<unknown, LoginLocals>) => {
      const result = await attemptSignIn(signIn, req, req.body);
      if (!result.ok) throw new HttpError(401, 'unauthorized', INVALID_CREDENTIALS);
      // The password was right, so saying why is no leak: ordinary users have no Grafana role.
      if (!mayUseGrafana(result.user.role)) throw new HttpError(403, 'forbidden', NO_ACCESS);
      const maxAgeSeconds = (result.expiresAt.getTime() - Date.now()) / 1000;
      res.append('Set-Cookie', sessionSetCookie(result.token, { maxAgeSeconds, secure: req.secure }));
      req.log?.info({ userId: result.user.id, role: result.user.role }, 'gateway sign-in');
      const page = res.locals.loginPage;
      if (page) return void res.redirect(303, page.next);
      res.json({ expiresAt: result.expiresAt.toISOString(), user: result.user });
    },
  );

  router.all('/logout', (req, res) => {
    res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
    res.set('Cache-Control', 'no-store');
    res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 302 : 303, '/login');
  });

  const refuse = (req: Request, res: Response, session: Extract<SessionCheck, { ok: false }>) => {
    if (session.reason !== 'missing') res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
    res.set('Cache-Control', 'no-store');
    if (wantsSignInRedirect(req)) {
      return void res.redirect(302, `/login?next=${encodeURIComponent(safeNextPath(req.originalUrl))}`);
    }
    if (session.reason === 'forbidden') throw new HttpError(403, 'forbidden', NO_ACCESS);
    const message = session.reason === 'expired' ? 'session expired: sign in again at /login' : 'sign in at /login first';
    throw new HttpError(401, 'unauthorized', message);
  };

  // Everything the exporter does not answer itself goes to Grafana, signed-in users only.
  router.use((req, res, next) => {
    if (isExporterPath(req.path)) return next();
    const session = checkSession(req.headers, jwt);
    if (!session.ok) return refuse(req, res, session);
    prepareUpstreamHeaders(req, session.token);
    void proxy(req, res, next);
  });

  // The HTML form's failures come back as the page with the problem on it; everything else
  // (the JSON variant included) goes on to the exporter's JSON errors.
  const loginPageErrors: ErrorRequestHandler = (error, _req, res: Response<unknown, LoginLocals>, next) => {
    const page = res.locals.loginPage;
    if (!page || res.headersSent) return next(error);
    if (error instanceof HttpError) {
      res.set(error.headers);
      const text =
        error.status === 401 ? 'The email or password is incorrect.' : error.status === 503 ? 'Sign-in is unavailable right now. Try again in a moment.' : sentence(error.message);
      return sendPage(res, error.status, { next: page.next, email: page.email, error: text });
    }
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendPage(res, 400, { next: page.next, email: page.email, error: 'The form could not be read. Please try again.' });
    }
    next(error);
  };
  router.use(loginPageErrors);

  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client vanishing mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy());
    if (isExporterPath(pathOf(req.url))) return sendUpgradeRefusal(socket, 404, 'Not Found', 'not_found', 'no websocket here');
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrigin(origin, ownHosts(req))) {
      return sendUpgradeRefusal(socket, 403, 'Forbidden', 'forbidden', 'cross-site websocket refused');
    }
    const session = checkSession(req.headers, jwt);
    if (!session.ok) return sendUpgradeRefusal(socket, 401, 'Unauthorized', 'unauthorized', 'sign in at /login first');
    prepareUpstreamHeaders(req, session.token);
    websockets.add(socket);
    // A websocket lives no longer than the session that opened it.
    // (Capped at the largest delay a timer takes; JWT_TTL_SECONDS is at most a day anyway.)
    const expiry = setTimeout(() => socket.destroy(), Math.min(2 ** 31 - 1, Math.max(0, session.claims.exp * 1000 - Date.now())));
    expiry.unref();
    socket.once('close', () => {
      clearTimeout(expiry);
      websockets.delete(socket);
    });
    proxy.upgrade(req, socket as never, head);
  };

  const closeAll = () => {
    for (const socket of websockets) socket.destroy();
  };

  return { router, upgrades: { handle, closeAll } };
}
