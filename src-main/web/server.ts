import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, fstatSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { basename, resolve } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CSP } from '../csp';
import { contentType, rendererPath } from '../renderer-files';
import { Session, type Engine } from '../engine/engine';
import {
  CLOSE,
  MAX_MESSAGE_BYTES,
  validateClientAuth,
  validateClientMessage,
  type ServerMessage,
} from '../protocol/commands';

/** Browser mode: the built renderer and the engine, on loopback only. */
export interface WebServerOptions {
  readonly engine: Engine;
  /** The built renderer (`out/renderer`). */
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** How long a new socket has to show the token (default 5 s). */
  readonly authTimeoutMs?: number;
  /** How long a request may take to send its headers before its connection is closed (default 10 s). */
  readonly headersTimeoutMs?: number;
  /** A trace file to serve at /opened-trace, to a request that carries the token (`kitchen view FILE`). */
  readonly openFile?: string;
}

/** Where the page fetches the file `kitchen view` was given, with the token in this header. */
export const OPENED_TRACE_PATH = '/opened-trace';
export const TOKEN_HEADER = 'x-kitchen-token';

/** A running browser-mode server. */
export interface WebServer {
  /** The URL to open: the token is in its fragment, which the browser keeps to itself. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** Only loopback: browser mode is never reachable from another machine. */
const HOST = '127.0.0.1';
/** A new socket that has not shown the token by then is closed. */
const AUTH_TIMEOUT_MS = 5000;
/**
 * A request that has not sent its headers by then (a half-sent or stalled one) gets a 408 and its
 * connection closed, checked every second: a page cannot hold connections open for Node's default minute.
 */
const HEADERS_TIMEOUT_MS = 10_000;

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const TEXT = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' };

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('message: not valid JSON');
  }
}

/**
 * Starts browser mode. The app's files are served to any request that names
 * this loopback port as its Host (no DNS rebinding): they hold no secret. The
 * engine is reached only over the WebSocket, which checks Host and Origin and
 * takes nothing before the token, sent as the socket's first message: the
 * token lives in the page's URL fragment and sessionStorage, never in a
 * cookie (which every server on 127.0.0.1 would receive) or a request line.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = randomBytes(24).toString('base64url');
  const { engine } = options;
  const rendererDir = resolve(options.rendererDir);
  let port = options.port;
  const hosts = () => [`${HOST}:${port}`, `localhost:${port}`];

  const serveFile = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = (req.url ?? '/').split(/[?#]/, 1)[0];
    const path = rendererPath(rendererDir, pathname);
    if (path === null) {
      res.writeHead(400, TEXT).end('Bad request: not a path of this app.\n');
      return;
    }
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': contentType(path),
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, TEXT).end('Not found.\n');
    }
  };

  /** The trace `kitchen view` was given: only to a request with the token (it may hold anything the user traced). */
  const serveOpenedTrace = (req: IncomingMessage, res: ServerResponse) => {
    const given = req.headers[TOKEN_HEADER];
    if (typeof given !== 'string' || !sameToken(given, token)) {
      res.writeHead(401, TEXT).end('The token is missing or wrong.\n');
      return;
    }
    if (!options.openFile) {
      // Not an error: every page asks at start (204, so the browser logs no failed request).
      res.writeHead(204, SECURITY_HEADERS).end();
      return;
    }
    const file = createReadStream(options.openFile);
    file.once('error', (err) => {
      if (!res.headersSent) res.writeHead(404, TEXT).end(`The trace could not be read: ${err.message}\n`);
      else res.destroy();
    });
    file.once('open', (fd) => {
      // The name and size go with it: the page shows the one and its progress from the other.
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(fstatSync(fd).size),
        'X-Kitchen-File': encodeURIComponent(basename(options.openFile as string)),
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        file.destroy();
        res.end();
      } else file.pipe(res);
    });
  };

  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  const timeouts = {
    headersTimeout,
    requestTimeout: headersTimeout,
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  const server = createServer(timeouts, (req, res) => {
    if (!hosts().includes(req.headers.host ?? '')) {
      res.writeHead(403, TEXT).end('Concurrency Kitchen: wrong Host header.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...TEXT, Allow: 'GET, HEAD' }).end();
      return;
    }
    if ((req.url ?? '').split(/[?#]/, 1)[0] === OPENED_TRACE_PATH) {
      serveOpenedTrace(req, res);
      return;
    }
    serveFile(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, TEXT);
      res.end();
    });
  });
  // A request Node cannot even parse gets a 400 (a stalled one a 408) and its socket closed; nothing else is touched.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  sockets.on('error', () => undefined);
  const send = (socket: WebSocket, message: ServerMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hosts().includes(req.headers.host ?? '')) return refuse(403, 'Forbidden');
    if (!hosts().some((h) => req.headers.origin === `http://${h}`)) return refuse(403, 'Forbidden');
    if ((req.url ?? '').split('?', 1)[0] !== '/ws') return refuse(404, 'Not Found');
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (ws: WebSocket) => {
    // A frame the socket cannot take (too big, not UTF-8, unmasked, a reserved opcode or bit) ends
    // this socket, never the server.
    ws.on('error', () => ws.terminate());
    const session = new Session();
    let unsubscribe: (() => void) | null = null;
    const timer = setTimeout(() => ws.close(CLOSE.noToken, 'no token'), options.authTimeoutMs ?? AUTH_TIMEOUT_MS);
    ws.on('close', () => {
      clearTimeout(timer);
      unsubscribe?.();
    });
    const command = (data: RawData) => {
      let id = -1;
      void (async () => {
        try {
          const message = validateClientMessage(parseJson(String(data)));
          id = message.id;
          send(ws, { kind: 'reply', id, ok: true, result: await engine.handle(message.command, session) });
        } catch (err) {
          send(ws, { kind: 'reply', id, ok: false, error: (err as Error).message });
        }
      })();
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.close(CLOSE.badFrame, 'expected text');
        return;
      }
      if (unsubscribe) {
        command(data);
        return;
      }
      // The first message is the token, and nothing is taken or sent before it.
      clearTimeout(timer);
      let auth: string;
      try {
        auth = validateClientAuth(parseJson(String(data))).auth;
      } catch {
        ws.close(CLOSE.noToken, 'the first message must be the token');
        return;
      }
      if (!sameToken(auth, token)) {
        ws.close(CLOSE.wrongToken, 'wrong token');
        return;
      }
      unsubscribe = engine.onBatch((batch) => send(ws, { kind: 'batch', batch }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve());
  });
  const address = server.address();
  if (address && typeof address === 'object') port = address.port;

  return {
    url: `http://${HOST}:${port}/#token=${token}`,
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
