/// <reference lib="dom" />
import { resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectron } from '../../scripts/electron-binary.mjs';
import { KITCHEN_API_NAMES, type KitchenApi } from '../../src-main/protocol/commands';

/** The preload's API as the page sees it (casts only: evaluated functions run in the page). */
type PageWindow = Window & { kitchen?: KitchenApi };

const binary = installedElectron();
if (!binary.path)
  console.log(`Electron tests skipped: ${binary.reason}. They run where Electron's binary is installed.`);

test.describe('the Electron app', () => {
  test.skip(!binary.path, `Electron's binary is not installed here (${binary.reason})`);

  const launch = () =>
    electron.launch({
      executablePath: binary.path ?? undefined,
      args: [resolve('.'), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });

  test('opens a hardened window and runs a scenario', async () => {
    const app = await launch();
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://kitchen/index.html');
    // contextBridge works only with contextIsolation on: the API being there proves it. The page has
    // the functions of the one table of commands and nothing of Node.
    expect(await page.evaluate(() => Object.keys((window as PageWindow).kitchen ?? {}).sort())).toEqual([
      ...KITCHEN_API_NAMES,
    ]);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    // The main process validates what the page sends.
    const refused = await page.evaluate(() => (window as PageWindow).kitchen?.startRun('nope', {}));
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('unknown scenario') });

    await page.getByRole('radio', { name: /One cook/ }).check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed', { timeout: 20_000 });
    await page.screenshot({ path: test.info().outputPath('electron.png') });
    await app.close();
  });

  test('refuses navigation, new windows and permissions', async () => {
    const app = await launch();
    const page = await app.firstWindow();
    const before = page.url();
    await page.evaluate(() => window.location.assign('https://example.com/'));
    await page.waitForTimeout(300);
    expect(page.url()).toBe(before);

    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await page.evaluate(() => window.open('app://kitchen/index.html') === null)).toBe(true);
    await page.waitForTimeout(300);
    expect(app.windows()).toHaveLength(1);

    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
    const geolocation = await page.evaluate(() =>
      navigator.permissions.query({ name: 'geolocation' }).then((status) => status.state),
    );
    expect(geolocation).toBe('denied');
    await app.close();
  });

  test("refuses commands from a page that is not the app's window", async () => {
    const app = await launch();
    await app.firstWindow();
    // Another window with the same preload, on a page that is not the app: the preload's functions
    // exist there, but the main process answers none of them.
    const answer = await app.evaluate(async ({ BrowserWindow }, preload) => {
      const stranger = new BrowserWindow({
        show: false,
        webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false },
      });
      await stranger.loadURL('data:text/html,<p>not the app</p>');
      const reply: unknown = await stranger.webContents.executeJavaScript('window.kitchen.hello()');
      stranger.destroy();
      return reply;
    }, resolve('out/preload/index.cjs'));
    expect(answer).toEqual({ ok: false, error: 'refused: not the app window' });
    await app.close();
  });
});
