import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

export interface SignOutPageView {
  /** who is signed in */
  name: string;
  email: string;
  /** the session's CSRF token, for the form */
  csrfToken: string;
  /** a problem to show above the form */
  error?: string;
}

export interface LoginPageView {
  /** where to go after signing in (already checked by safeNextPath) */
  next: string;
  /** the email typed last time, to spare retyping it after a mistake */
  email?: string;
  /** a problem to show above the form */
  error?: string;
  /** a neutral notice, such as "You have signed out." */
  notice?: string;
  /** where the monitoring console is, when `/` is Grafana's: the page links to it */
  consoleHref?: string;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

// The KeWhats mark: a speech bubble with a pulse line (monitoring), drawn inline so the page
// loads nothing from anywhere.
const LOGO = `<svg class="logo" viewBox="0 0 48 48" aria-hidden="true" focusable="false">
<path fill="#25d366" d="M24 4C12.95 4 4 12.4 4 22.75c0 4.2 1.48 8.08 3.98 11.2L6 44l10.6-4.5A21.5 21.5 0 0 0 24 41.5c11.05 0 20-8.4 20-18.75S35.05 4 24 4Z"/>
<path fill="none" stroke="#0b141a" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round" d="M12 24h6l3-7 5 13 3-6h7"/>
</svg>`;

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path fill="#25d366" d="M24 4C12.95 4 4 12.4 4 22.75c0 4.2 1.48 8.08 3.98 11.2L6 44l10.6-4.5A21.5 21.5 0 0 0 24 41.5c11.05 0 20-8.4 20-18.75S35.05 4 24 4Z"/></svg>',
)}`;

const STYLE = `
:root { color-scheme: dark; --bg: #0b141a; --panel: #111b21; --line: #2a3942; --text: #e9edef; --muted: #8696a0;
  --accent: #25d366; --accent-strong: #00a884; --danger: #f15c6d; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; display: grid; place-items: center; padding: 24px; background: radial-gradient(circle at 50% -20%, #12352a 0%, var(--bg) 55%);
  color: var(--text); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { width: 100%; max-width: 400px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 16px; padding: 32px 28px; box-shadow: 0 24px 60px rgba(0, 0, 0, .45); }
.brand { display: flex; align-items: center; gap: 12px; margin-bottom: 24px; }
.logo { width: 44px; height: 44px; flex: none; }
.brand-name { margin: 0; font-size: 1.35rem; font-weight: 700; letter-spacing: .01em; }
.brand-name span { color: var(--accent); }
.brand-sub { margin: 0; color: var(--muted); font-size: .9rem; }
h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 4px; }
.lead { margin: 0 0 20px; color: var(--muted); font-size: .95rem; }
.field { display: grid; gap: 6px; margin-bottom: 16px; }
label { font-size: .9rem; color: var(--muted); }
input { width: 100%; padding: 12px 14px; border-radius: 10px; border: 1px solid var(--line); background: #202c33; color: var(--text); font: inherit; }
input:focus { outline: 2px solid var(--accent); outline-offset: 1px; border-color: transparent; }
button { width: 100%; margin-top: 8px; padding: 12px 16px; border: 0; border-radius: 10px; background: var(--accent); color: #06281a;
  font: inherit; font-weight: 700; cursor: pointer; }
button:hover { background: var(--accent-strong); color: #fff; }
button:focus-visible { outline: 2px solid var(--text); outline-offset: 2px; }
.message { margin: 0 0 16px; padding: 10px 14px; border-radius: 10px; font-size: .92rem; }
.message.error { background: rgba(241, 92, 109, .12); border: 1px solid rgba(241, 92, 109, .5); color: #ffb3bd; }
.message.notice { background: rgba(37, 211, 102, .1); border: 1px solid rgba(37, 211, 102, .4); color: #b7f5cf; }
footer { margin-top: 16px; text-align: center; color: var(--muted); font-size: .8rem; }
.check { display: flex; align-items: center; gap: 10px; margin: 4px 0 8px; color: var(--text); }
.check input { width: 18px; height: 18px; accent-color: var(--accent); }
.alt { margin: 16px 0 0; text-align: center; }
a { color: var(--accent); }
`;

/** Content-Security-Policy of the gateway's pages: no script at all, only this exact stylesheet. */
export const GATEWAY_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  'img-src data:',
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Helmet's defaults plus the pages' own CSP; never cached. */
export const gatewayPageHeaders = [
  helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false, frameguard: { action: 'deny' } }),
  (_req: Request, res: Response, next: NextFunction) => {
    res.set({ 'Content-Security-Policy': GATEWAY_PAGE_CSP, 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' });
    next();
  },
];

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · KeWhats Monitoring</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="card">
<div class="brand">${LOGO}<div><p class="brand-name">Ke<span>Whats</span></p><p class="brand-sub">Monitoring</p></div></div>
${main}
</div>
<footer>For KeWhats monitoring staff and administrators.</footer>
</main>
</body>
</html>
`;
}

function messageOf(view: { error?: string; notice?: string }): string {
  if (view.error) return `<p class="message error" role="alert" id="form-message">${escapeHtml(view.error)}</p>`;
  if (view.notice) return `<p class="message notice" role="status" id="form-message">${escapeHtml(view.notice)}</p>`;
  return '';
}

/** The gateway's sign-in page: server-rendered, no JavaScript, nothing loaded from elsewhere. */
export function renderLoginPage(view: LoginPageView): string {
  const describedBy = view.error ? ' aria-describedby="form-message"' : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">Use your KeWhats account.</p>
${messageOf(view)}
<form method="post" action="/login"${describedBy}>
<input type="hidden" name="next" value="${escapeHtml(view.next)}">
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="320" value="${escapeHtml(view.email ?? '')}"${view.email ? '' : ' autofocus'}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${view.email ? ' autofocus' : ''}>
</div>
<button type="submit">Sign in</button>
</form>${
      view.consoleHref
        ? `
<p class="alt">Or open the <a href="${escapeHtml(view.consoleHref)}">monitoring console</a> (without Grafana).</p>`
        : ''
    }`,
  );
}

/**
 * The sign-out confirmation (GET /logout): signing out is a same-origin POST carrying the
 * session's CSRF token, so a link or image on another site cannot sign anyone out.
 */
export function renderSignOutPage(view: SignOutPageView): string {
  return page(
    'Sign out',
    `<h1>Sign out</h1>
<p class="lead">Signed in as ${escapeHtml(view.name)}${view.name === view.email ? '' : ` (${escapeHtml(view.email)})`}.</p>
${messageOf(view)}
<form method="post" action="/logout">
<input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">
<label class="check"><input type="checkbox" name="everywhere" value="1">Also sign out on my other devices</label>
<button type="submit">Sign out</button>
</form>
<p class="alt"><a href="/">Stay signed in</a></p>`,
  );
}
