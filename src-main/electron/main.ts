/**
 * The Electron composition root: thin glue that wires the shared engine to
 * one sandboxed window. All real work is in the engine.
 */
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { APP } from '../app-info';
import { Engine } from '../engine/engine';
import { setupIpc } from './ipc';
import { setupMenu } from './menu';
import { setupSecurity } from './security';
import { createMainWindow, isAppUrl } from './window';

/** Packaged apps unpack the workload beside the asar: threads and processes cannot load from inside it. */
const entry = join(import.meta.dirname, 'workload.js').replace(`app.asar${'/'}`, `app.asar.unpacked/`);

const engine = new Engine({ entry, transport: 'electron', version: APP.version });

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  // Stop every run first: quitting leaves no thread or process behind.
  event.preventDefault();
  quitting = true;
  void engine.stopAll().finally(() => app.quit());
});

app.on('window-all-closed', () => app.quit());

void app.whenReady().then(() => {
  setupSecurity(isAppUrl);
  setupMenu();
  const window = createMainWindow();
  const teardown = setupIpc(engine, window);
  window.on('closed', () => {
    teardown();
    void engine.stopAll();
  });
});
