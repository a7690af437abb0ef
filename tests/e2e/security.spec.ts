import { WebSocket } from 'ws';
import { expect, test } from './fixtures';

test('every request needs the token; the page is served with a strict CSP', async ({ request, kitchen }) => {
  const bare = await request.get(`${kitchen.origin}/`, { maxRedirects: 0 });
  expect(bare.status()).toBe(401);
  const wrong = await request.get(`${kitchen.origin}/?token=nope`, { maxRedirects: 0 });
  expect(wrong.status()).toBe(403);

  const withToken = await request.get(kitchen.url, { maxRedirects: 0 });
  expect(withToken.status()).toBe(303);
  expect(withToken.headers()['set-cookie']).toMatch(/HttpOnly; SameSite=Strict/);

  const page = await request.get(kitchen.url);
  expect(page.status()).toBe(200);
  const csp = page.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe');
});

test('the socket refuses other origins and missing tokens', async ({ kitchen }) => {
  const ws = `ws://${new URL(kitchen.url).host}/ws`;
  const token = new URL(kitchen.url).searchParams.get('token')!;
  const status = (url: string, origin: string) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(url, { origin });
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });
  expect(await status(ws, kitchen.origin)).toBe(401);
  expect(await status(`${ws}?token=${token}`, 'http://evil.example')).toBe(403);
  expect(await status(`${ws}?token=${token}`, kitchen.origin)).toBe(101);
});
