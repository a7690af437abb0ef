/**
 * The renderer's one way to the engine. Under Electron it calls the
 * preload's named functions; in browser mode it speaks to the loopback
 * server over a WebSocket. The rest of the UI cannot tell which.
 */
import {
  COMMANDS,
  type Command,
  type CommandResults,
  type Hello,
  type KitchenApi,
  type MenuAction,
  type PythonStatus,
  type Reply,
  type ServerMessage,
  type TraceFile,
} from '@protocol/commands';
import type { EventBatch, RunSnapshot } from '@protocol/events';

declare global {
  interface Window {
    /** Present only under Electron, exposed by the preload. */
    readonly kitchen?: KitchenApi;
  }
}

/** Whether the engine can be reached; `refused` when the page has no valid token (browser mode). */
export type Link = 'connecting' | 'open' | 'lost' | 'refused';

/** What the UI may ask of the engine. */
export interface Bridge {
  readonly transport: 'electron' | 'browser';
  hello(): Promise<Hello>;
  startRun(scenarioId: string, params: Readonly<Record<string, number>>): Promise<CommandResults['start-run']>;
  stopRun(runId: string): Promise<CommandResults['stop-run']>;
  snapshot(): Promise<RunSnapshot | null>;
  exportTrace(runId: string): Promise<TraceFile>;
  startScript(path: string, args: readonly string[]): Promise<CommandResults['start-script']>;
  startCode(name: string, code: string, args: readonly string[]): Promise<CommandResults['start-code']>;
  configurePython(path: string | null): Promise<PythonStatus>;
  /** The system's open dialog, where there is one (the desktop app); null otherwise. */
  readonly pickScript: (() => Promise<string | null>) | null;
  /**
   * The trace file the server was started with (`kitchen view FILE`), streamed, with its name and size;
   * null when it was given none. The whole function is null where files are not served (Electron).
   */
  readonly openedTrace:
    (() => Promise<{ stream: ReadableStream<Uint8Array>; name: string; bytes: number | null } | null>) | null;
  /**
   * The system's open dialog for a trace, and the file it picked as a stream (Electron); null where the
   * page's own file input is used instead (browser mode).
   */
  readonly pickTrace:
    (() => Promise<{ stream: ReadableStream<Uint8Array>; name: string; bytes: number } | null>) | null;
  /**
   * Saves bytes through the system's save dialog (Electron): the path saved to, or null if cancelled.
   * Null where the page downloads them instead (browser mode).
   */
  readonly saveFile: ((name: string, data: Uint8Array) => Promise<string | null>) | null;
  /** Listens to the app's menu (File ▸ Open Trace…); a no-op where there is no menu. */
  onMenu(listener: (action: MenuAction) => void): () => void;
  onBatch(listener: (batch: EventBatch) => void): () => void;
  onLink(listener: (link: Link) => void): () => void;
}

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.result;
  throw new Error(reply.error);
}

function electronBridge(api: KitchenApi): Bridge {
  return {
    transport: 'electron',
    hello: async () => unwrap(await api.hello()),
    startRun: async (id, params) => unwrap(await api.startRun(id, params)),
    stopRun: async (runId) => unwrap(await api.stopRun(runId)),
    snapshot: async () => unwrap(await api.snapshot()),
    exportTrace: async (runId) => unwrap(await api.exportTrace(runId)),
    startScript: async (path, args) => unwrap(await api.startScript(path, args)),
    startCode: async (name, code, args) => unwrap(await api.startCode(name, code, args)),
    configurePython: async (path) => unwrap(await api.configurePython(path)),
    pickScript: () => api.pickScript(),
    openedTrace: null,
    pickTrace: async () => {
      const opened = await api.openTrace();
      if (!opened) return null;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const chunk = await api.readTrace(opened.id);
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      });
      return { stream, name: opened.name, bytes: opened.bytes };
    },
    saveFile: (name, data) => api.saveFile({ name, data }),
    onMenu: (listener) => api.onMenu(listener),
    onBatch: (listener) => api.onBatch(listener),
    onLink(listener) {
      listener('open');
      return () => undefined;
    },
  };
}

const RETRY_MS = 1500;
const TOKEN_KEY = 'kitchen-token';
/** The server's close codes (protocol CLOSE) for a missing or wrong token. */
const REFUSED = new Set([4401, 4403]);

/**
 * The token the server printed, from this page's URL fragment (`#token=…`, which no request carries):
 * kept in sessionStorage for this tab's reloads and taken out of the address bar (it is on a projector).
 */
function takeToken(): string | null {
  const found = /(?:^#|&)token=([\w-]+)/.exec(location.hash);
  if (found) {
    sessionStorage.setItem(TOKEN_KEY, found[1]);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function browserBridge(): Bridge {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const token = takeToken();
  /** The interpreter this page chose: each connection has its own, so a new one is told again. */
  let python: string | null | undefined;
  const batchListeners = new Set<(batch: EventBatch) => void>();
  const linkListeners = new Set<(link: Link) => void>();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket>;
  let link: Link = 'connecting';

  const setLink = (next: Link) => {
    link = next;
    for (const listener of linkListeners) listener(next);
  };

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => {
        // The token first: the server takes nothing before it.
        ws.send(JSON.stringify({ auth: token ?? '' }));
        if (python !== undefined) ws.send(JSON.stringify({ id: 0, command: COMMANDS.configurePython(python) }));
        socket = ws;
        setLink('open');
        resolve(ws);
      });
      ws.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data)) as ServerMessage;
        if (message.kind === 'batch') {
          for (const listener of batchListeners) listener(message.batch);
          return;
        }
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(message.error));
      });
      ws.addEventListener('close', (event) => {
        socket = null;
        for (const waiter of pending.values()) waiter.reject(new Error('lost the connection to the kitchen server'));
        pending.clear();
        // A missing or wrong token stays wrong: no retry, and the page says what to do.
        if (REFUSED.has(event.code)) {
          sessionStorage.removeItem(TOKEN_KEY);
          setLink('refused');
          return;
        }
        setLink('lost');
        setTimeout(() => {
          opened = connect();
        }, RETRY_MS);
      });
    });
  opened = connect();

  async function call<T>(command: Command): Promise<T> {
    const ws = socket ?? (await opened);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      ws.send(JSON.stringify({ id, command }));
    });
  }

  return {
    transport: 'browser',
    hello: () => call(COMMANDS.hello()),
    startRun: (scenarioId, params) => call(COMMANDS.startRun(scenarioId, params)),
    stopRun: (runId) => call(COMMANDS.stopRun(runId)),
    snapshot: () => call(COMMANDS.snapshot()),
    exportTrace: (runId) => call(COMMANDS.exportTrace(runId)),
    startScript: (path, args) => call(COMMANDS.startScript(path, args)),
    startCode: (name, code, args) => call(COMMANDS.startCode(name, code, args)),
    configurePython: (path) => {
      python = path;
      return call(COMMANDS.configurePython(path));
    },
    // A page cannot learn a file's path on this machine: the path is typed instead.
    pickScript: null,
    pickTrace: null,
    saveFile: null,
    onMenu: () => () => undefined,
    openedTrace: async () => {
      const response = await fetch('/opened-trace', { headers: { 'x-kitchen-token': token ?? '' }, cache: 'no-store' });
      // 204: this server was given no file. 401: the token is wrong, which the socket's banner says already.
      if (response.status === 204 || response.status === 401) return null;
      if (!response.ok || !response.body) throw new Error(`the server could not send the file (${response.status})`);
      const name = decodeURIComponent(response.headers.get('x-kitchen-file') ?? 'trace.json');
      const bytes = Number(response.headers.get('content-length') ?? NaN);
      return { stream: response.body, name, bytes: Number.isFinite(bytes) ? bytes : null };
    },
    onBatch(listener) {
      batchListeners.add(listener);
      return () => batchListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(link);
      return () => linkListeners.delete(listener);
    },
  };
}

/** The bridge for wherever this page runs. */
export function connectBridge(): Bridge {
  return window.kitchen ? electronBridge(window.kitchen) : browserBridge();
}
