/**
 * Electron's security checklist, item by item, for what can be checked without Electron's binary:
 * the window's preferences, the CSP, the app:// protocol, the session's handlers, the IPC sender
 * check, the fuses and the version. The handlers are the app's own code, run against a stand-in
 * `electron` module that records what they register. What needs a real window (a page really
 * refused navigation, a real window.open denied) is in app.spec.ts, run where the binary exists.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';

type Listener = (...args: unknown[]) => unknown;

/** What the app's code registers with Electron, by name. */
const fake = vi.hoisted(() => {
  const state = {
    protocolHandler: null as null | ((request: Request) => Promise<Response>),
    privileged: [] as unknown[],
    headersListener: null as null | Listener,
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    appListeners: new Map<string, Listener>(),
    ipcHandlers: new Map<string, Listener>(),
    opened: [] as string[],
    saveDialogs: [] as string[],
  };
  const electron = {
    app: { on: (name: string, listener: Listener) => state.appListeners.set(name, listener) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => {
        for (const scheme of schemes) state.privileged.push(scheme);
      },
      handle: (_scheme: string, handler: (request: Request) => Promise<Response>) => {
        state.protocolHandler = handler;
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (listener: Listener) => (state.headersListener = listener) },
        setPermissionRequestHandler: (handler: Listener) => (state.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Listener) => (state.permissionCheck = handler),
      },
    },
    shell: { openExternal: (url: string) => state.opened.push(url) },
    ipcMain: {
      handle: (channel: string, handler: Listener) => state.ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => state.ipcHandlers.delete(channel),
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showSaveDialog: (_window: unknown, options: { defaultPath: string }) => {
        state.saveDialogs.push(options.defaultPath);
        return Promise.resolve({ canceled: true });
      },
    },
  };
  return { state, electron };
});
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const { webPreferences } = await import('../../src-main/electron/preferences');
const policy = await import('../../src-main/electron/policy');
const { registerAppScheme, serveApp, setupSecurity } = await import('../../src-main/electron/security');
const { setupIpc } = await import('../../src-main/electron/ipc');
const { CSP, CSP_META } = await import('../../src-main/csp');
const { IPC, KITCHEN_API_NAMES, buildKitchenApi, COMMANDS, PRELOAD_EXTRAS } =
  await import('../../src-main/protocol/commands');

const DEV = 'http://localhost:5173';
const directives = new Map(
  CSP.split(';').map((d) => {
    const [name = '', ...sources] = d.trim().split(/\s+/);
    return [name, sources] as const;
  }),
);

/** A web contents as the handlers see it, recording what they did to it. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: null | ((details: { url: string }) => { action: string }) = null;
  return {
    listeners,
    open: (url: string) => openHandler?.({ url }),
    contents: {
      on: (name: string, listener: Listener) => listeners.set(name, listener),
      setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
    },
  };
}

/** Fires a cancellable event at a listener; true if it was cancelled. */
function cancelled(listener: Listener | undefined, detail: unknown): boolean {
  let prevented = false;
  listener?.({ preventDefault: () => (prevented = true) }, detail);
  return prevented;
}

describe("Electron's security checklist", () => {
  const prefs = webPreferences('/app/preload.cjs');

  test('1 only secure content: the page is app://kitchen, and the CSP lets nothing in from elsewhere', () => {
    expect(policy.APP_ENTRY).toBe('app://kitchen/index.html');
    for (const [name, sources] of directives) {
      for (const source of sources) {
        expect(source, `${name} ${source}`).toMatch(/^('self'|'none'|data:|blob:)$/);
      }
    }
  });

  test('2 no Node.js in the page, its workers or its frames', () => {
    expect(prefs).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  test('3 context isolation and 4 the sandbox are on', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.preload).toBe('/app/preload.cjs');
  });

  test('5 no permission is granted, asked for or checked', () => {
    setupSecurity((url) => policy.isAppUrl(url, undefined));
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid']) {
      const answers: boolean[] = [];
      fake.state.permissionRequest?.(null, permission, (granted: boolean) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(fake.state.permissionCheck?.(null, permission), permission).toBe(false);
    }
  });

  test('6 web security stays on, 8 no insecure content, 9 no experimental features, 10 no Blink features', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    // And one Blink feature off: a middle click would open a link without the window-open handler.
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
  });

  test('7 a strict CSP: no inline script, no eval, no plugins, no framing, in the header and the page', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CSP.startsWith(CSP_META)).toBe(true);
    // The built page carries the same policy in a meta tag.
    const built = readFileSync('out/renderer/index.html', 'utf8');
    expect(built).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP_META}"`);
  });

  test('11, 12 no <webview>: the tag is off and any attach is refused', () => {
    expect(prefs.webviewTag).toBe(false);
    setupSecurity((url) => policy.isAppUrl(url, undefined));
    const window = fakeContents();
    fake.state.appListeners.get('web-contents-created')?.({}, window.contents);
    expect(cancelled(window.listeners.get('will-attach-webview'), {})).toBe(true);
  });

  test('13 navigation stays in the app; in development only the dev server exact origin', () => {
    setupSecurity((url) => policy.isAppUrl(url, undefined));
    const window = fakeContents();
    fake.state.appListeners.get('web-contents-created')?.({}, window.contents);
    for (const event of ['will-navigate', 'will-redirect']) {
      const listener = window.listeners.get(event);
      expect(cancelled(listener, 'https://example.com/'), event).toBe(true);
      expect(cancelled(listener, 'file:///etc/passwd'), event).toBe(true);
      expect(cancelled(listener, 'app://kitchen.evil/index.html'), event).toBe(true);
      expect(cancelled(listener, 'app://kitchen/index.html'), event).toBe(false);
    }
    expect(policy.isAppUrl(`${DEV}/`, DEV)).toBe(true);
    expect(policy.isAppUrl(`${DEV}/src/main.ts`, DEV)).toBe(true);
    expect(policy.isAppUrl('http://localhost:5173.evil.example/', DEV)).toBe(false);
    expect(policy.isAppUrl('http://localhost:51730/', DEV)).toBe(false);
    expect(policy.isAppUrl('http://user@localhost:5173.evil.example/', DEV)).toBe(false);
    expect(policy.isAppUrl('https://localhost:5173/', DEV)).toBe(false);
    expect(policy.isAppUrl('app://kitchen/index.html', DEV)).toBe(false);
    expect(policy.isAppUrl('not a url', DEV)).toBe(false);
  });

  test('14 no new window, and 15 nothing opened outside (the allow-list is empty)', () => {
    setupSecurity((url) => policy.isAppUrl(url, undefined));
    const window = fakeContents();
    fake.state.appListeners.get('web-contents-created')?.({}, window.contents);
    for (const url of ['https://example.com/', 'app://kitchen/index.html', 'file:///bin/sh', 'javascript:alert(1)']) {
      expect(window.open(url), url).toEqual({ action: 'deny' });
    }
    expect(fake.state.opened).toEqual([]);
    expect(policy.EXTERNAL_ALLOW_LIST).toEqual([]);
    expect(policy.mayOpenExternal('https://example.com/')).toBe(false);
  });

  test('16 a current Electron: the newest 45.x when this was written', () => {
    const [major, minor, patch] = (
      JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')) as {
        version: string;
      }
    ).version
      .split('.')
      .map(Number);
    expect(major).toBe(45);
    expect((minor ?? 0) * 1000 + (patch ?? 0)).toBeGreaterThanOrEqual(6001);
  });

  test('17 IPC: only the app page in the app window main frame is answered', async () => {
    const facts = (over: Partial<{ fromAppWindow: boolean; url: string; isMainFrame: boolean }>) => ({
      fromAppWindow: over.fromAppWindow ?? true,
      frame: { url: over.url ?? 'app://kitchen/index.html', isMainFrame: over.isMainFrame ?? true },
    });
    expect(policy.trustedSender(facts({}), undefined)).toBe(true);
    expect(policy.trustedSender(facts({ fromAppWindow: false }), undefined)).toBe(false);
    expect(policy.trustedSender(facts({ isMainFrame: false }), undefined)).toBe(false);
    expect(policy.trustedSender(facts({ url: 'https://example.com/' }), undefined)).toBe(false);
    expect(policy.trustedSender({ fromAppWindow: true, frame: null }, undefined)).toBe(false);

    // The handlers themselves: a stranger's message never reaches the engine.
    const handled: unknown[] = [];
    const engine = {
      handle: (command: unknown) => {
        handled.push(command);
        return Promise.resolve('answered');
      },
      onBatch: () => () => {},
    };
    const mainFrame = { url: 'app://kitchen/index.html' };
    const webContents = { mainFrame, send: () => {} };
    const window = { webContents, isDestroyed: () => false };
    const teardown = setupIpc(engine as never, window as never);
    const command = fake.state.ipcHandlers.get(IPC.command);
    const pick = fake.state.ipcHandlers.get(IPC.pickScript);
    const stranger = { sender: { mainFrame: {} }, senderFrame: { url: 'https://example.com/' } };
    const subFrame = { sender: webContents, senderFrame: { url: 'app://kitchen/index.html' } };
    expect(await command?.(stranger, { type: 'hello' })).toEqual({ ok: false, error: 'refused: not the app window' });
    expect(await command?.(subFrame, { type: 'hello' })).toEqual({ ok: false, error: 'refused: not the app window' });
    expect(await pick?.(stranger)).toBeNull();
    // Traces: a stranger opens nothing; an id the app did not hand out, or one that is not a number, reads nothing.
    const openTrace = fake.state.ipcHandlers.get(IPC.openTrace);
    const readTrace = fake.state.ipcHandlers.get(IPC.readTrace);
    expect(await openTrace?.(stranger)).toBeNull();
    expect(await readTrace?.(stranger, 1)).toBeNull();
    await expect(readTrace?.({ sender: webContents, senderFrame: mainFrame }, 7)).rejects.toThrow('no trace 7 is open');
    await expect(readTrace?.({ sender: webContents, senderFrame: mainFrame }, '../etc/passwd')).rejects.toThrow(
      'trace id',
    );
    // Save image and Save trace: a stranger saves nothing; a name with a folder in it, an unknown
    // extension or something that is not bytes is refused before any dialog opens.
    const saveFile = fake.state.ipcHandlers.get(IPC.saveFile);
    const png = new Uint8Array([137, 80, 78, 71]);
    expect(await saveFile?.(stranger, { name: 'view.png', data: png })).toBeNull();
    const mine = { sender: webContents, senderFrame: mainFrame };
    await expect(saveFile?.(mine, { name: '../view.png', data: png })).rejects.toThrow('save request name');
    await expect(saveFile?.(mine, { name: 'view.exe', data: png })).rejects.toThrow('save request name');
    await expect(saveFile?.(mine, { name: 'view.png', data: 'AAAA' })).rejects.toThrow('save request data');
    expect(fake.state.saveDialogs).toEqual([]);
    expect(await saveFile?.(mine, { name: 'chef pair (1).svg', data: png })).toBeNull();
    expect(fake.state.saveDialogs).toEqual(['chef pair (1).svg']);
    expect(handled).toEqual([]);
    const own = { sender: webContents, senderFrame: mainFrame };
    expect(await command?.(own, { type: 'hello' })).toEqual({ ok: true, result: 'answered' });
    expect(await command?.(own, { type: 'hello', extra: 1 })).toMatchObject({ ok: false });
    expect(handled).toEqual([{ type: 'hello' }]);
    teardown();
    expect(fake.state.ipcHandlers.size).toBe(0);
  });

  describe('18 no file://: the renderer is served by the app:// protocol', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitchen-renderer-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kitchen</title>');
    writeFileSync(join(dir, 'assets', 'main.js'), 'export {};');
    writeFileSync(join(dir, '..', `${dir.split(sep).at(-1)}-secret.txt`), 'secret');
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(join(dir, '..', `${dir.split(sep).at(-1)}-secret.txt`), { force: true });
    });
    beforeEach(() => serveApp(dir));

    const get = async (url: string) => {
      const response = await fake.state.protocolHandler?.(new Request(url));
      if (!response) throw new Error('no protocol handler');
      return response;
    };

    test('a standard, secure scheme, registered as such', () => {
      registerAppScheme();
      expect(fake.state.privileged).toContainEqual({
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true },
      });
    });

    test('serves the app with its CSP and its types', async () => {
      const page = await get('app://kitchen/index.html');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(CSP);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('kitchen');
      expect((await get('app://kitchen/')).status).toBe(200);
      expect((await get('app://kitchen/assets/main.js')).headers.get('content-type')).toMatch(/javascript/);
    });

    test('refuses another host, a path out of the folder, a bad escape, a missing file', async () => {
      const secret = `${dir.split(sep).at(-1)}-secret.txt`;
      expect((await get(`app://other/index.html`)).status).toBe(400);
      for (const path of [`%2e%2e/${secret}`, `..%2f${secret}`, `..%5c${secret}`, `%2e%2e%2f${secret}`]) {
        const response = await get(`app://kitchen/${path}`);
        expect(response.status, path).toBeGreaterThanOrEqual(400);
        expect(await response.text(), path).not.toContain('secret');
      }
      expect((await get('app://kitchen/%E0%A4%A')).status).toBe(400);
      expect((await get('app://kitchen/index.html%00.js')).status).toBe(400);
      expect((await get('app://kitchen/nothing.js')).status).toBe(404);
      expect(policy.rendererFile('app://kitchen/../../etc/passwd', dir)).toBe(join(dir, 'etc', 'passwd'));
    });

    test('the same CSP on every response the session sees', () => {
      setupSecurity((url) => policy.isAppUrl(url, undefined));
      const answers: unknown[] = [];
      fake.state.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (answer: unknown) =>
        answers.push(answer),
      );
      expect(answers).toEqual([{ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CSP] } }]);
    });
  });
});

describe('the fuses of the packaged app', () => {
  const config = parseYaml(readFileSync('electron-builder.yml', 'utf8')) as { electronFuses?: Record<string, boolean> };

  test('are set: no NODE_OPTIONS, no --inspect, cookies encrypted, the asar checked and the only app', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  test('run-as-node is on only because the engine starts Node children through it, and says so', () => {
    const text = readFileSync('electron-builder.yml', 'utf8');
    expect(text).toMatch(/ELECTRON_RUN_AS_NODE[^\n]*\n\s*runAsNode: true/);
    const launch = readFileSync('src-main/engine/node/launch.ts', 'utf8');
    expect(launch).toContain('ELECTRON_RUN_AS_NODE');
  });
});

describe('the one table of commands', () => {
  test("window.kitchen has one function for each command and the preload's extras, no more", async () => {
    const sent: unknown[] = [];
    const api = buildKitchenApi({
      invoke: (command) => {
        sent.push(command);
        return Promise.resolve({ ok: true, result: null });
      },
      pickScript: () => Promise.resolve(null),
      onBatch: () => () => {},
      openTrace: () => Promise.resolve(null),
      readTrace: () => Promise.resolve(null),
      onMenu: () => () => {},
      saveFile: () => Promise.resolve(null),
    });
    expect(Object.keys(api).sort()).toEqual(KITCHEN_API_NAMES);
    expect(KITCHEN_API_NAMES).toEqual([...Object.keys(COMMANDS), ...PRELOAD_EXTRAS].sort());
    await api.startRun('one-cook', { chop: 3 });
    await api.startScript('/tmp/a.py', ['x']);
    await api.configurePython(null);
    expect(sent).toEqual([
      { type: 'start-run', scenarioId: 'one-cook', params: { chop: 3 } },
      { type: 'start-script', path: '/tmp/a.py', args: ['x'] },
      { type: 'configure-python', path: null },
    ]);
  });

  test('the preload and the browser bridge are built from it, and name no command of their own', () => {
    const preload = readFileSync('src-main/preload/index.ts', 'utf8');
    expect(preload).toContain('buildKitchenApi(');
    expect(preload).not.toMatch(/type: '/);
    const bridge = readFileSync('src-renderer/lib/bridge.ts', 'utf8');
    expect(bridge).toContain('COMMANDS.');
    expect(bridge).not.toMatch(
      /type: '(hello|start-run|stop-run|snapshot|export-trace|start-script|configure-python)'/,
    );
  });
});
