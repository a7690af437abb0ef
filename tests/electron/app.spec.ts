/// <reference lib="dom" />
import { resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectron } from '../../scripts/electron-binary.mjs';
import type { KitchenApi } from '../../src-main/protocol/commands';

/** The preload's API as the page sees it (casts only: evaluated functions run in the page). */
type PageWindow = Window & { kitchen?: KitchenApi };

const binary = installedElectron();
if (!binary.path)
  console.log(`Electron tests skipped: ${binary.reason}. They run where Electron's binary is installed.`);

test.describe('the Electron app', () => {
  test.skip(!binary.path, `Electron's binary is not installed here (${binary.reason})`);

  test('opens a hardened window and runs a scenario', async () => {
    const app = await electron.launch({
      executablePath: binary.path ?? undefined,
      args: [resolve('.'), ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    });
    const page = await app.firstWindow();
    // contextBridge works only with contextIsolation on: the API being there proves it. The page has
    // the named functions and nothing of Node.
    expect(await page.evaluate(() => Object.keys((window as PageWindow).kitchen ?? {}).sort())).toEqual([
      'exportTrace',
      'hello',
      'onBatch',
      'snapshot',
      'startRun',
      'stopRun',
    ]);
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
    // The main process validates what the page sends.
    const refused = await page.evaluate(() => (window as PageWindow).kitchen?.startRun('nope', {}));
    expect(refused).toMatchObject({ ok: false, error: expect.stringContaining('unknown scenario') });
    // Navigation away from the app is denied.
    const before = page.url();
    await page.evaluate(() => window.location.assign('https://example.com/'));
    await page.waitForTimeout(300);
    expect(page.url()).toBe(before);

    await page.getByRole('radio', { name: /One cook/ }).check();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Summary' })).toContainText('Completed', { timeout: 20_000 });
    await page.screenshot({ path: test.info().outputPath('electron.png') });
    await app.close();
  });
});
