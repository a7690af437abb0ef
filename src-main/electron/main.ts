/**
 * The Electron composition root: thin glue that wires the shared engine to
 * one sandboxed window. All real work is in the engine.
 */
import { app, BrowserWindow } from 'electron';
import { APP } from '../app-info';
import { Engine } from '../engine/engine';
import { stopRunsBeforeDying } from '../engine/last-resort';
import { builtLayout } from '../engine/build-paths';
import { setupIpc } from './ipc';
import { setupMenu } from './menu';
import { registerAppScheme, RENDERER_DIR, serveApp, setupSecurity } from './security';
import { createMainWindow, isAppUrl } from './window';

const engine = new Engine({ ...builtLayout(import.meta.dirname), transport: 'electron', version: APP.version });
stopRunsBeforeDying(engine);

// Before the app is ready: the renderer's own scheme, app://kitchen.
registerAppScheme();

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
  serveApp(RENDERER_DIR);
  setupSecurity(isAppUrl);
  const window = createMainWindow();
  setupMenu(() => (window.isDestroyed() ? null : window));
  const teardown = setupIpc(engine, window);
  window.on('closed', () => {
    teardown();
    void engine.stopAll();
  });
});
