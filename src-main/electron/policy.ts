/**
 * The desktop app's security rules as plain functions (no Electron here), so a unit test holds
 * them without the binary: which URLs are the app's own, which file a request of the app's
 * scheme may read, which IPC sender is trusted, what is allowed out (nothing).
 */
import { rendererPath } from '../renderer-files';

/** The app's own scheme and host: the renderer is served as app://kitchen/…, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kitchen';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Links the app may open in the system's browser: none (the renderer has no external links). */
export const EXTERNAL_ALLOW_LIST: readonly string[] = [];

/**
 * True for the app's own pages only: app://kitchen/…, or in development exactly the dev server's
 * origin (a bare prefix would let http://localhost:5173.evil.example through).
 */
export function isAppUrl(url: string, devServer: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (devServer !== undefined) {
    try {
      return parsed.origin === new URL(devServer).origin;
    } catch {
      return false;
    }
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
}

/** The file under the renderer folder an app:// request may read, or null (another host, a bad or outside path). */
export function rendererFile(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  return rendererPath(rendererDir, parsed.pathname);
}

/** What an IPC message says of where it came from. */
export interface SenderFacts {
  /** It came from the app's one window's web contents. */
  readonly fromAppWindow: boolean;
  /** Its frame, if it still exists: its URL and whether it is the window's main frame. */
  readonly frame: { readonly url: string; readonly isMainFrame: boolean } | null;
}

/** Only the app's own page, in the app's own window's main frame, may command the engine. */
export function trustedSender(facts: SenderFacts, devServer: string | undefined): boolean {
  return facts.fromAppWindow && facts.frame !== null && facts.frame.isMainFrame && isAppUrl(facts.frame.url, devServer);
}

/** Whether a link may be opened in the system's browser: only one on the allow-list (none is). */
export function mayOpenExternal(url: string): boolean {
  return EXTERNAL_ALLOW_LIST.includes(url);
}

/** Whether the page may have a permission (camera, notifications, …): none is needed, none is given. */
export function permissionGranted(_permission: string): boolean {
  return false;
}
