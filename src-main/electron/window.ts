import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow } from 'electron';
import { webPreferences } from './preferences';

/** Where the renderer comes from: electron-vite's dev server, or the built file. */
function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;
}

/** True for the app's own page (any hash or query), never for anything else. */
export function isAppUrl(url: string): boolean {
  const base = rendererUrl();
  return (
    url === base ||
    url.startsWith(`${base}#`) ||
    url.startsWith(`${base}?`) ||
    (process.env.ELECTRON_RENDERER_URL !== undefined && url.startsWith(process.env.ELECTRON_RENDERER_URL))
  );
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
  void window.loadURL(rendererUrl());
  return window;
}
