import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';
import { chooseLesson, expect, test } from './fixtures';

test('the app’s page is served with a strict CSP; the engine’s socket needs the token first', async ({
  request,
  kitchen,
}) => {
  const page = await request.get(`${kitchen.origin}/`);
  expect(page.status()).toBe(200);
  const csp = page.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe');
  expect(page.headers()['set-cookie']).toBeUndefined();

  const ws = `ws://${new URL(kitchen.url).host}/ws`;
  const closed = (origin: string, first: string | null) =>
    new Promise<number>((resolve) => {
      const socket = new WebSocket(ws, { origin });
      socket.on('open', () => {
        if (first !== null) socket.send(first);
        else setTimeout(() => resolve(101), 300);
      });
      socket.on('close', (code) => resolve(code));
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => resolve(-1));
    });
  expect(await closed('http://evil.example', JSON.stringify({ auth: kitchen.token }))).toBe(403);
  expect(await closed(kitchen.origin, JSON.stringify({ auth: 'nope' }))).toBe(4403);
  expect(await closed(kitchen.origin, null)).toBe(101);
});

test('a page with a wrong token is told so, once, and gets nothing from the engine', async ({ page, kitchen }) => {
  await page.goto(`${kitchen.origin}/#token=not-the-token`);
  const alerts = page.getByRole('alert');
  await expect(alerts).toHaveText([/refused this page: it has no valid token/]);
  // Give a late second error the time to show up: there is none.
  await page.waitForTimeout(500);
  await expect(alerts).toHaveCount(1);
  await expect(page.getByRole('radio')).toHaveCount(0);
});

test('after the app has loaded, another server on 127.0.0.1 sees no credential, and no request carried it', async ({
  page,
  kitchen,
}) => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const other = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.end('<p>another server</p>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  const address = other.address();
  const otherPort = typeof address === 'object' && address ? address.port : 0;
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  await page.goto(kitchen.url);
  await expect(page.getByRole('region', { name: 'Timeline' })).toBeVisible();
  // The token left the address bar as the page took it.
  expect(page.url()).not.toContain(kitchen.token);
  // The page opens on the server's last run, which may be a script: the lessons are a tab away.
  await page.getByRole('tab', { name: 'Lessons' }).click();
  await chooseLesson(page, /One cook/);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed', { timeout: 20_000 });
  await page.goto(`http://127.0.0.1:${otherPort}/`);
  other.close();
  // The page, and whatever else the browser asks of that server (a favicon, at its own pace): none
  // carries the token or a cookie.
  expect(seen.map((r) => r.url)).toContain('/');
  for (const request of seen) {
    expect(JSON.stringify(request.headers)).not.toContain(kitchen.token);
    expect(request.headers.cookie).toBeUndefined();
  }
  // No request of the browser's carried the token (the fragment is the page's own).
  for (const url of requests) expect(url).not.toContain(kitchen.token);
});

test('opening the browser puts the token in no process’s command line, only in a private file', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kitchen-opener-test-'));
  try {
    // The opener the server runs records what it was given, and the page it was given, then stays a while.
    const opener = join(scratch, 'opener.sh');
    const record = join(scratch, 'record.txt');
    writeFileSync(
      opener,
      `#!/bin/sh\necho "$@" > ${record}\ncp "$1" ${record}.page\nls -l "$1" >> ${record}\nsleep 5\n`,
    );
    chmodSync(opener, 0o755);
    const server = spawn(process.execPath, [resolve('out/main/web.js'), '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KITCHEN_OPEN_WITH: opener },
    });
    const url = await new Promise<string>((ok) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(line);
        if (match) ok(match[1]);
      });
    });
    const token = url.split('#token=')[1];
    await expect.poll(() => statSafe(record), { timeout: 10_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    // Every process's command line, as `ps` shows it to any user.
    const lines = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .flatMap((pid) => {
        try {
          return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')];
        } catch {
          return [];
        }
      });
    expect(lines.some((l) => l.includes(opener))).toBe(true);
    expect(lines.filter((l) => l.includes(token))).toEqual([]);
    // The opener got a page, readable by this user only, that sends the browser on to the URL.
    const [argv, ...listing] = readFileSync(record, 'utf8').trim().split('\n');
    expect(argv).toMatch(/\/kitchen-open-\w+\/open\.html$/);
    expect(argv).not.toContain(token);
    expect(listing.join('\n')).toMatch(/^-rw-------/);
    expect(readFileSync(`${record}.page`, 'utf8')).toContain(`location.replace(${JSON.stringify(url)})`);
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    // Stopping the server removes the page.
    expect(statSafe(argv)).toBe(false);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

function statSafe(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
