import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, protocol, session, shell, type WebContents } from 'electron';
import { CSP } from '../csp';
import { contentType } from '../renderer-files';
import { APP_SCHEME, mayOpenExternal, permissionGranted, rendererFile } from './policy';

/** The app's scheme is a standard, secure one (as https is), registered before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer as app://kitchen/…, with the CSP as a header: no file:// page anywhere. */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFile(request.url, rendererDir);
    if (file === null) return new Response('Bad request', { status: 400 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': contentType(file),
          'Content-Security-Policy': CSP,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

/**
 * App-wide hardening: the renderer's CSP as a header too, no permission asked for or checked is
 * granted, no navigation away from the app, no webview, no new windows, and no link opened outside
 * but those on the (empty) allow-list.
 */
export function setupSecurity(isAppUrl: (url: string) => boolean): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permissionGranted(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permissionGranted(permission));
  app.on('web-contents-created', (_event, contents: WebContents) => {
    const keepInApp = (event: { preventDefault(): void }, url: string) => {
      if (!isAppUrl(url)) event.preventDefault();
    };
    contents.on('will-navigate', keepInApp);
    contents.on('will-redirect', keepInApp);
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // (The allow-list is empty: the renderer has no links to open outside.)
      if (mayOpenExternal(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

/** The built renderer folder, next to the main process's bundle. */
export const RENDERER_DIR = join(import.meta.dirname, '../renderer');
