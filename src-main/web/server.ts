import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { CSP } from '../csp';
import type { Engine } from '../engine/engine';
import { validateClientMessage, type ServerMessage } from '../protocol/commands';

/** Browser mode: the built renderer and the engine, on loopback only. */
export interface WebServerOptions {
  readonly engine: Engine;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** A running browser-mode server. */
export interface WebServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Only loopback: browser mode is never reachable from another machine. */
const HOST = '127.0.0.1';
/** Cookies do not tell ports apart, so each server's cookie is named after its port. */
const cookieName = (port: number): string => `kitchen_token_${port}`;
/** A command is small; anything bigger is not one. */
const MAX_MESSAGE_BYTES = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage, port: number): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName(port)) return value.join('=');
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('message: not valid JSON');
  }
}

type Access = { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string };

/**
 * Starts browser mode. Every request needs the token, either from the
 * printed URL (`?token=`, then kept in an HttpOnly same-site cookie) or that
 * cookie; Host must name this loopback port (no DNS rebinding), and the
 * socket also checks Origin.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(24).toString('base64url');
  const { engine } = options;
  const rendererDir = resolve(options.rendererDir);
  let port = options.port;
  const hosts = () => [`${HOST}:${port}`, `localhost:${port}`];

  const access = (req: IncomingMessage): Access => {
    if (!hosts().includes(req.headers.host ?? '')) {
      return { ok: false, status: 403, reason: 'wrong Host header' };
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const query = url.searchParams.get('token') ?? undefined;
    if (sameToken(query, token)) return { ok: true, viaQuery: true };
    const cookie = cookieToken(req, port);
    if (sameToken(cookie, token)) return { ok: true, viaQuery: false };
    if (query !== undefined || cookie !== undefined) {
      return { ok: false, status: 403, reason: 'wrong token' };
    }
    return { ok: false, status: 401, reason: 'missing token: open the URL the server printed' };
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse, viaQuery: boolean) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (viaQuery) {
      // Keep the token in a cookie and take it out of the address bar (it is on a projector).
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
      });
      res.end();
      return;
    }
    const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const path = normalize(join(rendererDir, relative));
    if (!path.startsWith(rendererDir + sep)) {
      res.writeHead(403, SECURITY_HEADERS).end('Forbidden');
      return;
    }
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    }
  };

  const server = createServer((req, res) => {
    const granted = access(req);
    if (!granted.ok) {
      res.writeHead(granted.status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Concurrency Kitchen: ${granted.reason}.\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' }).end();
      return;
    }
    void serveFile(req, res, granted.viaQuery);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const send = (socket: WebSocket, message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const granted = access(req);
    const origin = req.headers.origin ?? '';
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!granted.ok) return refuse(granted.status, granted.status === 401 ? 'Unauthorized' : 'Forbidden');
    if (!hosts().some((h) => origin === `http://${h}`)) return refuse(403, 'Forbidden');
    if (path !== '/ws') return refuse(404, 'Not Found');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (ws: WebSocket) => {
    const unsubscribe = engine.onBatch((batch) => send(ws, { kind: 'batch', batch }));
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      let id = -1;
      void (async () => {
        try {
          if (isBinary) throw new Error('expected a text message');
          const message = validateClientMessage(parseJson(String(data)));
          id = message.id;
          send(ws, { kind: 'reply', id, ok: true, result: await engine.handle(message.command) });
        } catch (err) {
          send(ws, { kind: 'reply', id, ok: false, error: (err as Error).message });
        }
      })();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
