import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import type { RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import type { StaffSessions } from '../auth/staff-sessions.js';
import { errorBody, type ErrorCode } from '../http/errors.js';
import { errorFields } from '../logger.js';
import { isExporterPath, pathOf } from './exporter-paths.js';
import type { GrafanaTokens } from './grafana-tokens.js';
import { isSameOrigin, ownHosts, type TrustProxy } from './same-origin.js';
import { readSessionId } from './session-cookie.js';
import { prepareUpstreamHeaders } from './upstream-headers.js';

/** Websocket upgrades (Grafana Live) through the gateway. */
export interface UpgradeHandler {
  /** the server's 'upgrade' listener: authenticated websockets go to Grafana */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** cuts every proxied websocket (shutdown: upgraded sockets keep a server from closing) */
  closeAll(): void;
}

/**
 * How often the sessions behind open websockets are checked again. A websocket is one long
 * request: its session may end (sign-out, revocation on any replica, idle or absolute expiry)
 * while it is open, and it is cut within this interval.
 */
export const WEBSOCKET_SESSION_RECHECK_MS = 5_000;

function sendUpgradeRefusal(socket: Duplex, status: number, reason: string, code: ErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}

export function createWebsocketUpgrades(options: {
  proxy: RequestHandler<Request, Response>;
  sessions: StaffSessions;
  tokens: GrafanaTokens;
  trustProxy: TrustProxy;
  logger: Logger;
}): UpgradeHandler {
  const { sessions } = options;
  /** open websockets and the session id (cookie value) that opened each */
  const open = new Map<Duplex, string>();
  let recheck: NodeJS.Timeout | undefined;
  let closed = false;

  const recheckSessions = async () => {
    const bySession = new Map<string, Duplex[]>();
    for (const [socket, sessionId] of open) bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), socket]);
    for (const [sessionId, sockets] of bySession) {
      try {
        const lookup = await sessions.lookup(sessionId, { touch: false });
        if (!lookup.ok) for (const socket of sockets) socket.destroy();
      } catch (error) {
        options.logger.warn(errorFields(error), 'websocket session check failed');
      }
    }
  };

  const track = (socket: Duplex, sessionId: string) => {
    open.set(socket, sessionId);
    recheck ??= setInterval(() => void recheckSessions(), WEBSOCKET_SESSION_RECHECK_MS).unref();
    socket.once('close', () => {
      open.delete(socket);
      if (open.size === 0 && recheck) {
        clearInterval(recheck);
        recheck = undefined;
      }
    });
  };

  const authenticateAndProxy = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const sessionId = readSessionId(req.headers.cookie);
    let lookup: Awaited<ReturnType<StaffSessions['lookup']>>;
    try {
      lookup = await sessions.lookup(sessionId);
    } catch (error) {
      options.logger.warn(errorFields(error), 'websocket session lookup failed');
      return sendUpgradeRefusal(socket, 503, 'Service Unavailable', 'unavailable', 'sessions are unavailable: database unreachable');
    }
    if (socket.destroyed) return;
    if (closed) return void socket.destroy();
    if (!lookup.ok) return sendUpgradeRefusal(socket, 401, 'Unauthorized', 'unauthorized', 'sign in at /login first');
    prepareUpstreamHeaders(req, options.tokens.tokenFor(lookup.session));
    track(socket, sessionId!);
    options.proxy.upgrade(req, socket as never, head);
  };

  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client vanishing mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy());
    if (isExporterPath(pathOf(req.url))) return sendUpgradeRefusal(socket, 404, 'Not Found', 'not_found', 'no websocket here');
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrigin(origin, ownHosts(req, options.trustProxy))) {
      return sendUpgradeRefusal(socket, 403, 'Forbidden', 'forbidden', 'cross-site websocket refused');
    }
    void authenticateAndProxy(req, socket, head);
  };

  const closeAll = () => {
    closed = true;
    for (const socket of open.keys()) socket.destroy();
    if (recheck) clearInterval(recheck);
    recheck = undefined;
  };

  return { handle, closeAll };
}
