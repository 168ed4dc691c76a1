import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Request, Response } from 'express';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import type { Logger } from 'pino';
import { errorBody } from '../http/errors.js';
import { errorFields } from '../logger.js';

function isServerResponse(target: ServerResponse | Socket): target is ServerResponse {
  return typeof (target as ServerResponse).writeHead === 'function';
}

/**
 * The reverse proxy to Grafana. Only requests the gateway has already authenticated reach it
 * (HTTP through the middleware, websockets through `upgrade`).
 */
export function createGrafanaProxy(options: { grafanaUrl: string; logger: Logger }): RequestHandler<Request, Response> {
  return createProxyMiddleware<Request, Response>({
    target: options.grafanaUrl,
    // Grafana checks Origin against Host on writes and on Grafana Live: keep the browser's Host.
    changeOrigin: false,
    xfwd: true,
    // Upgrades are authenticated by the gateway first, then handed to `upgrade` explicitly.
    ws: false,
    on: {
      // http-proxy pipes the browser's socket and Grafana's into each other but only ends one
      // when the other ends cleanly: tie their lifetimes so neither lingers after the other dies.
      proxyReqWs: (proxyReq, _req, socket) => {
        const abandon = () => proxyReq.destroy();
        socket.once('close', abandon);
        proxyReq.once('upgrade', (_res, proxySocket: Socket) => {
          socket.off('close', abandon);
          socket.once('close', () => proxySocket.destroy());
          proxySocket.once('close', () => socket.destroy());
        });
      },
      error: (error, _req, target) => {
        options.logger.warn(errorFields(error), 'Grafana proxy error');
        if (!isServerResponse(target)) {
          target.destroy();
          return;
        }
        if (target.headersSent) {
          target.destroy();
          return;
        }
        target.writeHead(502, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        target.end(JSON.stringify(errorBody('unavailable', 'Grafana is unreachable')));
      },
    },
  });
}
