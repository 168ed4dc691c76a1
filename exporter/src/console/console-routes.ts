import { stat, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { SessionLookup, StaffSessions } from '../auth/staff-sessions.js';
import { safeNextPath } from '../gateway/redirect-target.js';
import { clearedSessionSetCookie, readSessionId } from '../gateway/session-cookie.js';
import { HttpError } from '../http/errors.js';
import { CONSOLE_BASE_PATH, CONSOLE_OUT_DIR } from './console-files.js';

/**
 * The console's Content-Security-Policy: scripts, styles, images, fonts and API calls from this
 * origin only; no inline script or style (the build emits files, and the pages never write a
 * style attribute); no string-to-code sinks at all (Trusted Types with no policy allowed).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Hashed names only: the content of a name never changes. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

const ASSET_NAME = /^[\w-]+\.(js|css|svg|txt)$/;

export interface ConsoleRoutesOptions {
  /** also answer `/` (when Grafana does not own it) by sending the browser to the console */
  serveRoot: boolean;
  /** signed-out visitors of the pages are sent to sign in first */
  sessions: StaffSessions;
  /** the built console (tests may point elsewhere) */
  outDir?: string;
}

const securityHeaders = helmet({
  contentSecurityPolicy: false,
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' },
});

function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The monitoring console: the HTML shell for every URL under /console/ (the browser routes from
 * there, so deep links work) for signed-in staff, and the hashed assets it names. Only GET and HEAD.
 */
export function createConsoleRoutes(options: ConsoleRoutesOptions): Router {
  const outDir = options.outDir ?? CONSOLE_OUT_DIR;
  const assetsDir = join(outDir, 'assets');
  const router = Router();

  /**
   * Whether the visitor may see the console's pages (the API checks every call anyway): a signed-out
   * visitor goes to the sign-in page, which brings them back. When the database cannot be asked the
   * shell is served all the same: it holds no data, and its API calls will say what is wrong.
   */
  const signedIn = async (req: Request, res: Response, next: string): Promise<boolean> => {
    let lookup: SessionLookup;
    try {
      lookup = await options.sessions.lookup(readSessionId(req.headers.cookie), { touch: false });
    } catch {
      return true;
    }
    if (lookup.ok) return true;
    if (lookup.reason !== 'missing') res.append('Set-Cookie', clearedSessionSetCookie({ secure: req.secure }));
    res.set('Cache-Control', 'no-store');
    res.redirect(302, `/login?next=${encodeURIComponent(safeNextPath(next))}`);
    return false;
  };

  if (options.serveRoot) {
    router.get('/', async (req, res) => {
      if (!(await signedIn(req, res, `${CONSOLE_BASE_PATH}/`))) return;
      res.set('Cache-Control', 'no-store');
      res.redirect(302, `${CONSOLE_BASE_PATH}/`);
    });
  }

  const sendAsset = async (req: Request, res: Response, name: string) => {
    const file = join(assetsDir, name);
    if (!ASSET_NAME.test(name) || !(await isFile(file))) throw new HttpError(404, 'not_found', `no console asset ${name}`);
    res.vary('Accept-Encoding');
    const gzipped = `${file}.gz`;
    const useGzip = acceptsGzip(req) && (await isFile(gzipped));
    if (useGzip) res.set('Content-Encoding', 'gzip');
    res.type(extname(name));
    await new Promise<void>((resolve, reject) =>
      res.sendFile(useGzip ? gzipped : file, { maxAge: '1y', immutable: true, dotfiles: 'deny' }, (error) => (error ? reject(error) : resolve())),
    );
  };

  const sendShell = async (res: Response) => {
    let shell: string;
    try {
      shell = await readFile(join(outDir, 'index.html'), 'utf8');
    } catch {
      throw new HttpError(503, 'unavailable', 'the console is not built: run npm run build (npm start builds it by itself)', { 'Retry-After': '30' });
    }
    res.set({ 'Content-Security-Policy': CONSOLE_CSP, 'Cache-Control': 'no-store' });
    res.type('html').send(shell);
  };

  router.use(CONSOLE_BASE_PATH, securityHeaders, async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    // `/console` → `/console/`, so the console's relative URLs and the browser agree on a base.
    if (req.originalUrl.split('?', 1)[0]!.toLowerCase() === CONSOLE_BASE_PATH) {
      res.set('Cache-Control', 'no-store');
      return void res.redirect(301, `${CONSOLE_BASE_PATH}/`);
    }
    // Hashed assets are public (the same for everyone, cached by the browser); pages are not.
    if (path.startsWith('/assets/')) return sendAsset(req, res, path.slice('/assets/'.length));
    if (await signedIn(req, res, req.originalUrl)) await sendShell(res);
  });

  return router;
}
