import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local web server for I/O lessons: every page takes `delayMs` to answer, so the wait is real network time. */
export interface PageServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** Pages answered so far. */
  served(): number;
  /** Stops listening, drops open connections and pending answers. */
  close(): Promise<void>;
}

/** About 8 KB of HTML: a page worth downloading, small enough that the delay is the wait. */
function pageBody(n: number): string {
  const rows = Array.from({ length: 120 }, (_, i) => `<li>Recipe ${n}.${i + 1}: chop, boil, serve</li>`).join('\n');
  return `<!doctype html>\n<title>Page ${n}</title>\n<h1>Page ${n}</h1>\n<ul>\n${rows}\n</ul>\n`;
}

/**
 * Starts the server on 127.0.0.1 on a port the OS picks. It answers `GET /page/N` after `delayMs`
 * and nothing else (404), and is torn down with the run that started it.
 */
export function startPageServer(delayMs: number): Promise<PageServer> {
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;
  const server: Server = createServer((req, res) => {
    const match = /^\/page\/(\d{1,6})$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      const body = pageBody(Number(match[1]));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      served++;
    }, delayMs);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  });
  // A lesson's clients connect at once: keep every one of them waiting at the same time.
  server.maxConnections = 256;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        served: () => served,
        close: () =>
          new Promise<void>((done) => {
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
