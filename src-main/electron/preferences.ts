import type { WebPreferences } from 'electron';

/**
 * The window's web preferences: the page is isolated from the preload,
 * sandboxed by the OS, and has no Node. Kept apart from window.ts (which
 * needs Electron at run time) so a plain unit test can hold them to this.
 */
export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // A middle click would open a link in a new window without the window-open handler's say.
    disableBlinkFeatures: 'Auxclick',
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}
