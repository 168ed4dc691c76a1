import express, { Router, type Request, type Response } from 'express';
import { displayName } from '../auth/access-token.js';
import type { StaffSessions } from '../auth/staff-sessions.js';
import { HttpError } from '../http/errors.js';
import { checkCookieWrite } from './csrf.js';
import { comesFromThisSite, type TrustProxy } from './same-origin.js';
import { gatewayPageHeaders, renderSignOutPage } from './pages.js';
import { clearedSessionSetCookie, readSessionId } from './session-cookie.js';

function signedOut(req: Request, res: Response, status: 302 | 303): void {
  res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
  res.redirect(status, '/login');
}

/**
 * Signing out of the browser: GET /logout shows a confirmation (Grafana's "Sign out" lands
 * there), and only its same-origin POST, carrying the session's CSRF token, ends the session
 * on the server — optionally every session of the user ("also on my other devices").
 */
export function createLogoutRoutes(options: { sessions: StaffSessions }): Router {
  const { sessions } = options;
  const router = Router();

  router.get('/logout', ...gatewayPageHeaders, async (req, res) => {
    const lookup = await sessions.lookup(readSessionId(req.headers.cookie), { touch: false });
    if (!lookup.ok) return signedOut(req, res, 302);
    const { session } = lookup;
    res.type('html').send(renderSignOutPage({ name: displayName(session), email: session.email, csrfToken: session.csrfToken }));
  });

  router.post('/logout', ...gatewayPageHeaders, express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }), async (req, res) => {
    const lookup = await sessions.lookup(readSessionId(req.headers.cookie), { touch: false });
    if (!lookup.ok) {
      // A post from another site carries no cookie (SameSite=Lax), so it looks signed out; clearing
      // the cookie in answer would sign the browser out at that site's wish. Refuse it instead.
      if (!comesFromThisSite(req, req.app.get('trust proxy fn') as TrustProxy)) {
        throw new HttpError(403, 'forbidden', 'sign-out requests from another site are refused');
      }
      return signedOut(req, res, 303);
    }
    const { session } = lookup;
    try {
      checkCookieWrite(req, session.csrfToken);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const view = { name: displayName(session), email: session.email, csrfToken: session.csrfToken };
      return void res
        .status(403)
        .type('html')
        .send(renderSignOutPage({ ...view, error: 'This sign-out request did not come from this page. Use the button below to sign out.' }));
    }
    const everywhere = (req.body as { everywhere?: unknown } | undefined)?.everywhere === '1';
    const ended = everywhere ? await sessions.endAllOf(session.userId) : Number(await sessions.end(session.id));
    req.log?.info({ userId: session.userId, endedSessions: ended }, everywhere ? 'staff signed out everywhere' : 'staff sign-out');
    signedOut(req, res, 303);
  });

  router.all('/logout', () => {
    throw new HttpError(405, 'method_not_allowed', 'sign out with POST (GET shows the confirmation)', { Allow: 'GET, POST' });
  });
  return router;
}
