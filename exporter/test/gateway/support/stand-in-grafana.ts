import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StandInGrafana {
  url: string;
  /** every HTTP request that reached "Grafana", in order */
  requests: UpstreamRequest[];
  /** the upgrade requests of every websocket that reached "Grafana" */
  websockets: UpstreamRequest[];
  /** emits 'websocket-closed' when a proxied websocket ends on the Grafana side */
  events: EventEmitter;
  close(): Promise<void>;
}

/**
 * A stand-in for Grafana on a loopback port: it answers every request with what it received
 * (method, URL, headers, body) as JSON, or as a small HTML page naming the role in the JWT it
 * was given, and echoes websocket messages back after a greeting with the upgrade headers.
 */
export async function startStandInGrafana(): Promise<StandInGrafana> {
  const requests: UpstreamRequest[] = [];
  const websockets: UpstreamRequest[] = [];
  const events = new EventEmitter();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(seen);
      if ((req.headers.accept ?? '').includes('text/html')) {
        const assertion = req.headers['x-jwt-assertion'];
        const payload = typeof assertion === 'string' ? assertion.split('.')[1] : undefined;
        const role = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { role?: string }).role : 'none';
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><head><title>Stand-in Grafana</title></head><body><h1>Stand-in Grafana</h1>` +
            `<p>path <code id="path">${escape(req.url ?? '')}</code></p><p>role <code id="role">${escape(String(role))}</code></p>` +
            `<pre id="assertion">${escape(String(assertion ?? ''))}</pre></body></html>`,
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(seen));
    });
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, req) => {
    const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    websockets.push(seen);
    socket.send(JSON.stringify({ hello: seen }));
    socket.on('message', (data) => socket.send(`echo:${String(data)}`));
    socket.on('close', () => events.emit('websocket-closed'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    websockets,
    events,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
}
