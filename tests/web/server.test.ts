import { get } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startWebServer, type WebServer } from '../../src-main/web/server';
import type { ServerMessage } from '../../src-main/protocol/commands';
import { makeEngine } from '../engine/helpers';

let server: WebServer;
let origin: string;

beforeAll(async () => {
  server = await startWebServer({ engine: makeEngine(), rendererDir: resolve('out/renderer'), port: 0 });
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const cookie = () => `kitchen_token_${server.port}=${server.token}`;

/** fetch cannot set Host; a plain request can. */
const statusWithHost = (host: string) =>
  new Promise<number>((ok, fail) => {
    get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host, cookie: cookie() } }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    }).on('error', fail);
  });

describe('browser-mode server', () => {
  test('listens on loopback only, with a long random token in the printed URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  test('refuses requests without the token, with a wrong one, or for another host', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/assets/x.js`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(403);
    expect((await fetch(`${origin}/`, { headers: { cookie: `kitchen_token_${server.port}=wrong` } })).status).toBe(403);
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    expect(await statusWithHost('evil.example')).toBe(403);
    expect(await statusWithHost(`localhost:${server.port}`)).toBe(200);
  });

  test('trades the URL token for an HttpOnly cookie, then serves the app with a strict CSP', async () => {
    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(first.headers.get('set-cookie')).toBe(`${cookie()}; HttpOnly; SameSite=Strict; Path=/`);
    const page = await fetch(`${origin}/`, { headers: { cookie: cookie() } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<div id="app">');
  });

  test('never serves files outside the renderer', async () => {
    const traversal = await fetch(`${origin}/..%2f..%2fpackage.json`, { headers: { cookie: cookie() } });
    expect([403, 404]).toContain(traversal.status);
    const post = await fetch(`${origin}/`, { method: 'POST', headers: { cookie: cookie() } });
    expect(post.status).toBe(405);
  });

  test('answers commands over the socket and streams batches; bad commands get clear errors', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { cookie: cookie() }, origin });
    const messages: ServerMessage[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => ws.once('open', r));
    const reply = async (id: number) => {
      while (!messages.some((m) => m.kind === 'reply' && m.id === id)) await new Promise((r) => setTimeout(r, 5));
      return messages.find((m) => m.kind === 'reply' && m.id === id)!;
    };
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
      error: 'params.chop: expected a number from 1 to 2000, got 999999',
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
});
