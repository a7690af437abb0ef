import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { APP_ENTRY, isAppUrl as isAppUrlFor } from './policy';
import { webPreferences } from './preferences';

/** electron-vite's dev server in development, else none: the app is served from app://kitchen. */
const devServer = process.env.ELECTRON_RENDERER_URL;

/** True for the app's own page (see policy.ts), never for anything else. */
export function isAppUrl(url: string): boolean {
  return isAppUrlFor(url, devServer);
}

/** The one window: isolated, sandboxed, no Node in the page. */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Concurrency Kitchen',
    backgroundColor: '#f7f5f0',
    icon: join(import.meta.dirname, '../../resources/icon.png'),
    webPreferences: webPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(devServer ?? APP_ENTRY);
  return window;
}
