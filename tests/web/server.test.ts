import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { clientsOf, frame } from './helpers';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import { MAX_COMMAND_BYTES, MAX_MESSAGE_BYTES } from '../../src-main/protocol/commands';
import { makeEngine } from '../engine/helpers';

let server: WebServer;
let origin: string;
const scratch = mkdtempSync(join(tmpdir(), 'kitchen-web-test-'));

beforeAll(async () => {
  server = await startWebServer({
    engine: makeEngine(),
    rendererDir: resolve('out/renderer'),
    port: 0,
    authTimeoutMs: 300,
  });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

const { rawStatus, authed, closedWith, rawSocket, stillServing } = clientsOf(() => server);

describe('browser-mode server', () => {
  test('listens on loopback only; the token is in the URL fragment, which no request carries', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{32}$/);
  });

  test('serves the app’s files (no secret in them) with a strict CSP, only to its own Host', async () => {
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(await page.text()).toContain('<div id="app">');
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    expect(await rawStatus('/', 'evil.example')).toBe(403);
    expect(await rawStatus('/', `localhost:${server.port}`)).toBe(200);
  });

  test('the opened trace (kitchen view) goes only to a request with the token; without a file, 204', async () => {
    const url = `${origin}/opened-trace`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-kitchen-token': 'wrong' } })).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-kitchen-token': server.token } })).status).toBe(204);
    const file = join(scratch, 'my trace.json');
    writeFileSync(file, '{"traceEvents":[]}');
    const viewing = await startWebServer({
      engine: makeEngine(),
      rendererDir: resolve('out/renderer'),
      port: 0,
      openFile: file,
    });
    try {
      const at = `http://127.0.0.1:${viewing.port}/opened-trace`;
      expect((await fetch(at)).status).toBe(401);
      const ok = await fetch(at, { headers: { 'x-kitchen-token': viewing.token } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-kitchen-file')).toBe('my%20trace.json');
      expect(ok.headers.get('content-length')).toBe('18');
      expect(await ok.text()).toBe('{"traceEvents":[]}');
    } finally {
      await viewing.close();
    }
  });

  test('a malformed path is a 400, and the server goes on', async () => {
    expect(await rawStatus('/%')).toBe(400);
    expect(await rawStatus('/%C0%AE%C0%AE/package.json')).toBe(400);
    expect(await rawStatus('/a%00b')).toBe(400);
    expect([400, 404]).toContain(await rawStatus('/..%2f..%2fpackage.json'));
    expect((await fetch(`${origin}/`, { method: 'POST' })).status).toBe(405);
    // A request Node cannot parse at all.
    const garbage = connect(server.port, '127.0.0.1');
    garbage.write('\u0000\u0001 nonsense\r\n\r\n');
    const answer = await new Promise<string>((ok) => garbage.once('data', (d) => ok(d.toString('latin1'))));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    garbage.destroy();
    expect((await fetch(`${origin}/`)).status).toBe(200);
  });

  test('the socket takes nothing before the token: missing, wrong, late or not first, it is closed', async () => {
    expect(await closedWith(null)).toBe(4401);
    expect(await closedWith(JSON.stringify({ auth: 'wrong' }))).toBe(4403);
    expect(await closedWith(JSON.stringify({ id: 1, command: { type: 'hello' } }))).toBe(4401);
    expect(await closedWith('{oops')).toBe(4401);
    const refused = (origin_: string) =>
      new Promise<number>((ok) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { origin: origin_ });
        ws.on('unexpected-response', (_req, res) => ok(res.statusCode ?? 0));
        ws.on('error', () => ok(-1));
      });
    expect(await refused('http://evil.example')).toBe(403);
  });

  test('answers commands over the socket and streams batches; bad commands get clear errors', async () => {
    const { ws, messages, reply } = await authed();
    ws.send(JSON.stringify({ id: 1, command: { type: 'hello' } }));
    expect(await reply(1)).toMatchObject({ ok: true, result: { transport: 'browser' } });
    ws.send(
      JSON.stringify({
        id: 2,
        command: { type: 'start-run', scenarioId: 'chef-concurrent', params: { chop: 999999 } },
      }),
    );
    expect(await reply(2)).toEqual({
      kind: 'reply',
      id: 2,
      ok: false,
      error: 'params.chop: Chopping work must be a whole number from 1 to 2000, got 999999',
    });
    ws.send('{oops');
    expect(await reply(-1)).toEqual({ kind: 'reply', id: -1, ok: false, error: 'message: not valid JSON' });
    ws.send(
      JSON.stringify({ id: 3, command: { type: 'start-run', scenarioId: 'node-async', params: { waitMs: 20 } } }),
    );
    expect(await reply(3)).toMatchObject({ ok: true });
    while (!messages.some((m) => m.kind === 'batch' && m.batch.events.some((e) => e.type === 'run-ended'))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const batches = messages.flatMap((m) => (m.kind === 'batch' ? [m.batch] : []));
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    ws.close();
  });

  test('a bad frame closes that socket, never the server', async () => {
    const cases: [string, Buffer][] = [
      ['over the frame limit', frame(Buffer.alloc(0), { length: MAX_MESSAGE_BYTES + 1 })],
      ['not UTF-8', frame(Buffer.from([0xff, 0xfe, 0x7b]))],
      ['not masked', frame(Buffer.from('{"auth":"x"}'), { masked: false })],
      ['a reserved opcode', frame(Buffer.from('x'), { first: 0x83 })],
      ['the RSV1 bit', frame(Buffer.from('x'), { first: 0xc1 })],
    ];
    for (const [what, bytes] of cases) {
      const socket = await rawSocket();
      const closed = new Promise<void>((ok) => socket.once('close', () => ok()));
      socket.on('error', () => undefined);
      socket.write(bytes);
      await closed;
      await stillServing().catch((err: Error) => {
        throw new Error(`after a frame ${what}: ${err.message}`);
      });
    }
  });

  test('every valid command fits in a frame, however its text is escaped', async () => {
    expect(MAX_COMMAND_BYTES).toBeLessThan(MAX_MESSAGE_BYTES);
    // Control characters are written \u0000 in JSON: the most bytes a character can take.
    const worst = (n: number) => '\u0001'.repeat(n);
    const command = {
      type: 'start-script',
      path: `/${worst(4095)}`,
      args: Array.from({ length: 64 }, () => worst(2048)),
    };
    const message = JSON.stringify({ id: Number.MAX_SAFE_INTEGER, command });
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_COMMAND_BYTES);
    const { ws, reply } = await authed();
    ws.send(message);
    // Taken and answered: the path is no file.
    expect(await reply(Number.MAX_SAFE_INTEGER)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/is not a file$/),
    });
    ws.close();
  });

  test('each connection has its own interpreter: one tab’s choice is not another’s', async () => {
    const a = await authed();
    const b = await authed();
    a.ws.send(JSON.stringify({ id: 1, command: { type: 'configure-python', path: '/nowhere/python3' } }));
    expect(await a.reply(1)).toMatchObject({ ok: true, result: { info: null } });
    b.ws.send(JSON.stringify({ id: 1, command: { type: 'hello' } }));
    expect(await b.reply(1)).toMatchObject({ ok: true, result: { python: { problem: null } } });
    a.ws.close();
    b.ws.close();
  });

  test('a file that is not Python source is refused, saying why', async () => {
    const binary = join(scratch, 'tool.py');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    const latin1 = join(scratch, 'latin1.py');
    writeFileSync(latin1, Buffer.from('print("caf\xe9")\n', 'latin1'));
    const { ws, reply } = await authed();
    const start = (id: number, path: string) =>
      ws.send(JSON.stringify({ id, command: { type: 'start-script', path, args: [] } }));
    start(1, '/etc/passwd');
    expect(await reply(1)).toMatchObject({
      ok: false,
      error: 'path: /etc/passwd is not a Python script (a .py or .pyw file)',
    });
    start(2, binary);
    expect(await reply(2)).toMatchObject({ ok: false, error: `path: ${binary} is a binary file, not Python source` });
    start(3, latin1);
    expect(await reply(3)).toMatchObject({ ok: false, error: `path: ${latin1} is not UTF-8 text: not Python source` });
    ws.close();
  });
});
