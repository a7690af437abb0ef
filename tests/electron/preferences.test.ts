import { describe, expect, test } from 'vitest';
import { webPreferences } from '../../src-main/electron/preferences';

describe('the Electron window', () => {
  test('is isolated, sandboxed and has no Node in the page', () => {
    expect(webPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
  });
});
