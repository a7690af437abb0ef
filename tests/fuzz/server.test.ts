/**
 * Property tests of the live browser-mode server: random requests (methods, paths, headers), random
 * WebSocket frames before and after the token, and random and mutated commands. Every request is
 * answered with a status or its socket closed, every command with one reply, and the server keeps
 * serving throughout.
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src-main/engine/engine';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { makeEngine } from '../engine/helpers';
import { clientsOf, frame } from '../web/helpers';
import { anyValue, oddString, untrusted, validCommand } from './arbitraries';

let engine: Engine;
let server: WebServer;
const { authed, rawSocket, stillServing } = clientsOf(() => server);

beforeAll(async () => {
  engine = makeEngine();
  server = await startWebServer({
    engine,
    rendererDir: resolve('out/renderer'),
    port: 0,
    authTimeoutMs: 200,
    headersTimeoutMs: 400,
  });
});
afterAll(async () => {
  await engine.stopAll();
  await server.close();
});

/** How long a socket may take to answer or be closed: far more than the server needs. */
const ANSWER_MS = 3000;

/**
 * Sends raw bytes on a new connection and, unless told to stall, ends it (a client that has said all
 * it will): the status line the server answers with, or 'closed'.
 */
function rawRequest(bytes: Buffer, { stall = false } = {}): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(server.port, '127.0.0.1');
    let seen = '';
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`no answer in ${ANSWER_MS} ms to ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`));
    }, ANSWER_MS);
    const finish = (answer: string) => {
      clearTimeout(timer);
      socket.destroy();
      done(answer);
    };
    socket.on('data', (chunk) => {
      seen += chunk.toString('latin1');
      const line = /^HTTP\/1\.1 (\d{3})/.exec(seen);
      if (line) finish(line[1] ?? '');
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    if (stall) socket.write(bytes);
    else socket.end(bytes);
  });
}

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'), token);
const path = fc.oneof(
  fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  oddString.map((s) => `/${s}`),
  fc.constantFrom('/', '/index.html', '/%', '/%C0%AE%C0%AE/package.json', '/..%2f..%2fetc/passwd', '*', '/ws'),
);
const header = fc.tuple(fc.oneof(token, fc.constantFrom('Host', 'Origin', 'Upgrade', 'Content-Length')), oddString);

describe('the live server, fuzzed', { timeout: 60_000 }, () => {
  test('any request line and headers: a status or a closed socket, and the server goes on', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, fc.array(header, { maxLength: 4 }), fc.boolean(), async (m, p, hs, ownHost) => {
        const lines = [`${m} ${p} HTTP/1.1`, ...(ownHost ? [`Host: 127.0.0.1:${server.port}`] : [])];
        for (const [name, value] of hs) lines.push(`${name}: ${value}`);
        const answer = await rawRequest(Buffer.from(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`, 'utf8'));
        expect(answer).toMatch(/^(200|400|403|404|405|413|414|431|closed)$/);
      }),
      { numRuns: 300 },
    );
    await stillServing();
  });

  test('random bytes as a request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (bytes) => {
        expect(await rawRequest(Buffer.from(bytes))).toMatch(/^(\d{3}|closed)$/);
      }),
      { numRuns: 100 },
    );
    await stillServing();
  });

  test('a request that stalls half-sent is closed by the server, with a 408', async () => {
    expect(await rawRequest(Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'), { stall: true })).toBe('408');
    expect(await rawRequest(Buffer.from('G'), { stall: true })).toMatch(/^(408|closed)$/);
  });

  const randomFrame = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc
      .record({
        first: fc.nat({ max: 255 }),
        masked: fc.boolean(),
        payload: fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          anyValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'undefined')),
        ),
        lie: fc.option(fc.nat({ max: 2 ** 21 }), { nil: undefined }),
      })
      .map(({ first, masked, payload, lie }) => frame(payload, { first, masked, length: lie ?? payload.length })),
  );

  test('random WebSocket frames, before and after the token: that socket at most is closed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.array(randomFrame, { minLength: 1, maxLength: 4 })), {
          minLength: 1,
          maxLength: 12,
        }),
        async (clients) => {
          // Many sockets at once, each sending its frames; then the server must still answer.
          const sockets = await Promise.all(
            clients.map(async ([showToken, frames]) => {
              const socket = await rawSocket();
              socket.on('error', () => undefined);
              if (showToken) socket.write(frame(Buffer.from(JSON.stringify({ auth: server.token }))));
              for (const f of frames) socket.write(f);
              return socket;
            }),
          );
          await new Promise((r) => setTimeout(r, 50));
          await stillServing();
          for (const socket of sockets) socket.destroy();
        },
      ),
      { numRuns: 25 },
    );
  });

  test('random and mutated commands: one reply each, with an error that says what was wrong', async () => {
    const { ws, messages } = await authed();
    const message = fc.record({ id: fc.nat(), command: validCommand });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(untrusted(message), async (value) => {
        ws.send(JSON.stringify(value) ?? 'undefined');
        sent += 1;
        const deadline = Date.now() + ANSWER_MS;
        while (messages.filter((m) => m.kind === 'reply').length < sent) {
          if (Date.now() > deadline) throw new Error(`no reply to ${JSON.stringify(value)?.slice(0, 300)}`);
          await new Promise((r) => setTimeout(r, 2));
        }
        const reply = messages.filter((m) => m.kind === 'reply').at(-1);
        if (reply?.kind === 'reply' && !reply.ok) {
          expect(reply.error.length).toBeGreaterThan(0);
          expect(reply.error.length).toBeLessThanOrEqual(400);
        }
      }),
      { numRuns: 400 },
    );
    expect(messages.filter((m) => m.kind === 'reply')).toHaveLength(sent);
    ws.close();
    await engine.stopAll();
    await stillServing();
  });
});
