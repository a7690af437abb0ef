import type { RunId, ScenarioId } from './ids';
import type { EventBatch, RunSnapshot } from './events';
import type { ScenarioInfo } from './scenarios';
import {
  ValidationError,
  describe,
  exactRecord,
  field,
  finite,
  integer,
  nullable,
  oneOf,
  record,
  text,
} from './validate';

/** What the UI may ask of the engine, over IPC or the browser-mode socket. */
export type Command =
  | { readonly type: 'hello' }
  | {
      readonly type: 'start-run';
      readonly scenarioId: string;
      readonly params: Readonly<Record<string, number>>;
    }
  | { readonly type: 'stop-run'; readonly runId: string }
  | { readonly type: 'snapshot' }
  | { readonly type: 'export-trace'; readonly runId: string }
  /** Runs a Python script from disk under the tracer. */
  | { readonly type: 'start-script'; readonly path: string; readonly args: readonly string[] }
  /** Runs Python source typed or pasted in the page (the code box): saved to a temporary file, then traced. */
  | {
      readonly type: 'start-code';
      /** The file name it is saved as (a `.py` name; the run is called so). */
      readonly name: string;
      readonly code: string;
      readonly args: readonly string[];
    }
  /** Chooses the Python interpreter (null: KITCHEN_PYTHON, else python3 on PATH). */
  | { readonly type: 'configure-python'; readonly path: string | null };

/** The Python interpreter runs use, resolved to its real executable. */
export interface PythonInfo {
  readonly executable: string;
  readonly version: string;
  readonly gilEnabled: boolean;
  /** What was asked for (a path, or the command that found it). */
  readonly requested: string;
}

/** Whether Python runs can happen, and if not, why. */
export interface PythonStatus {
  readonly info: PythonInfo | null;
  readonly problem: string | null;
}

/** What the engine tells a new client about itself. */
export interface Hello {
  readonly app: { readonly name: string; readonly version: string };
  readonly host: {
    readonly cores: number;
    readonly platform: string;
    /** True where thread states come from sampling the OS scheduler too (Linux /proc). */
    readonly sampling: boolean;
  };
  readonly python: PythonStatus;
  /** `electron` or `browser`: lets the UI name its own transport. */
  readonly transport: 'electron' | 'browser';
  readonly scenarios: readonly ScenarioInfo[];
}

/** A Chrome Trace Event file, ready to save. */
export interface TraceFile {
  readonly fileName: string;
  readonly json: string;
}

/** The result of each command, by its type. */
export interface CommandResults {
  readonly hello: Hello;
  readonly 'start-run': { readonly runId: RunId; readonly scenarioId: ScenarioId };
  readonly 'stop-run': { readonly stopped: boolean };
  readonly snapshot: RunSnapshot | null;
  readonly 'export-trace': TraceFile;
  readonly 'start-script': { readonly runId: RunId; readonly scenarioId: ScenarioId };
  readonly 'start-code': { readonly runId: RunId; readonly scenarioId: ScenarioId };
  readonly 'configure-python': PythonStatus;
}

/** The command types, for exhaustive switches and validation. */
const COMMAND_TYPES = [
  'hello',
  'start-run',
  'stop-run',
  'snapshot',
  'export-trace',
  'start-script',
  'start-code',
  'configure-python',
] as const satisfies readonly Command['type'][];

const MAX_PARAMS = 32;
const MAX_ID = 64;
const MAX_PATH = 4096;
const MAX_ARGS = 64;
const MAX_ARG = 2048;
/** The longest code box the engine takes, in characters (a long script is a few thousand lines). */
export const MAX_CODE = 100_000;
/** A code box's file name: a plain `.py` name, no folders. */
export const CODE_NAME = /^[\w][\w.-]{0,62}\.py$/;

/**
 * The largest browser-mode message the server takes (the WebSocket frame limit). Every valid command
 * fits in it, however its text is escaped: JSON takes at most 6 bytes a character (\u0000), and the
 * longest command is a start-script with the longest path and MAX_ARGS of the longest arguments.
 */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
/**
 * The bytes the longest valid command takes at most, written as JSON: under MAX_MESSAGE_BYTES. The longest
 * is a start-code with the longest code and name, or a start-script with the longest path, and MAX_ARGS of
 * the longest arguments.
 */
export const MAX_COMMAND_BYTES = 6 * (Math.max(MAX_PATH, MAX_CODE + 64) + MAX_ARGS * MAX_ARG) + 4096;

/** Parameter values as sent by a client; bounds are checked against the scenario later. */
function rawParams(value: unknown, where: string): Record<string, number> {
  const obj = record(value, where);
  const keys = Object.keys(obj);
  if (keys.length > MAX_PARAMS) {
    throw new ValidationError(where, `expected at most ${MAX_PARAMS} parameters, got ${keys.length}`);
  }
  const out: Record<string, number> = {};
  for (const key of keys) {
    if (!/^[a-zA-Z][a-zA-Z0-9]{0,31}$/.test(key)) {
      throw new ValidationError(field(where, key), 'not a parameter name');
    }
    out[key] = finite(obj[key], `${where}.${key}`);
  }
  return out;
}

/** A script's arguments: a list of at most MAX_ARGS strings of at most MAX_ARG characters. */
function scriptArgs(value: unknown, where: string): string[] {
  const args = value ?? [];
  if (!Array.isArray(args) || args.length > MAX_ARGS) {
    throw new ValidationError(where, `expected a list of at most ${MAX_ARGS} arguments`);
  }
  return args.map((a, i) => {
    if (typeof a !== 'string' || a.length > MAX_ARG) {
      throw new ValidationError(`${where}[${i}]`, `expected a string of at most ${MAX_ARG} characters`);
    }
    return a;
  });
}

/** Checks an untrusted value is a well-formed command; throws ValidationError otherwise. */
export function validateCommand(value: unknown, where = 'command'): Command {
  const type = oneOf(record(value, where).type, `${where}.type`, COMMAND_TYPES);
  switch (type) {
    case 'hello':
    case 'snapshot': {
      exactRecord(value, where, ['type']);
      return { type };
    }
    case 'start-run': {
      const obj = exactRecord(value, where, ['type', 'scenarioId', 'params']);
      return {
        type,
        scenarioId: text(obj.scenarioId, `${where}.scenarioId`, MAX_ID),
        params: rawParams(obj.params ?? {}, `${where}.params`),
      };
    }
    case 'stop-run':
    case 'export-trace': {
      const obj = exactRecord(value, where, ['type', 'runId']);
      return { type, runId: text(obj.runId, `${where}.runId`, MAX_ID) };
    }
    case 'start-script': {
      const obj = exactRecord(value, where, ['type', 'path', 'args']);
      return { type, path: text(obj.path, `${where}.path`, MAX_PATH), args: scriptArgs(obj.args, `${where}.args`) };
    }
    case 'start-code': {
      const obj = exactRecord(value, where, ['type', 'name', 'code', 'args']);
      const name = text(obj.name, `${where}.name`, 64);
      if (!CODE_NAME.test(name)) throw new ValidationError(`${where}.name`, 'expected a file name ending in .py');
      if (typeof obj.code !== 'string' || obj.code.length > MAX_CODE) {
        throw new ValidationError(`${where}.code`, `expected Python source of at most ${MAX_CODE} characters`);
      }
      if (obj.code.includes('\0')) throw new ValidationError(`${where}.code`, 'Python source holds no NUL character');
      return { type, name, code: obj.code, args: scriptArgs(obj.args, `${where}.args`) };
    }
    case 'configure-python': {
      const obj = exactRecord(value, where, ['type', 'path']);
      return { type, path: nullable(obj.path ?? null, `${where}.path`, (v, w) => text(v, w, MAX_PATH)) };
    }
    default: {
      const unreachable: never = type;
      throw new ValidationError(where, `unknown command ${String(unreachable)}`);
    }
  }
}

/** A browser-mode client's message: a command with an id for its reply. */
export interface ClientMessage {
  readonly id: number;
  readonly command: Command;
}

/**
 * A browser-mode client's first message on a new socket: the token the server printed (in the URL's
 * fragment, which no request carries). Nothing else is taken, and nothing is sent, before it.
 */
export interface ClientAuth {
  readonly auth: string;
}

/** Checks an untrusted first message. */
export function validateClientAuth(value: unknown): ClientAuth {
  const obj = exactRecord(value, 'message', ['auth']);
  return { auth: text(obj.auth, 'message.auth', 256) };
}

/** Close codes the browser-mode server ends a socket with, so the page can say why. */
export const CLOSE = {
  /** No token came first, in time. */
  noToken: 4401,
  /** The token was wrong. */
  wrongToken: 4403,
  /** A frame the server could not take (too big, not UTF-8, not masked…). */
  badFrame: 1002,
} as const;

/** A browser-mode server's message: a reply to one command, or a batch of events. */
export type ServerMessage =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'batch'; readonly batch: EventBatch };

/** Checks an untrusted browser-mode message. */
export function validateClientMessage(value: unknown): ClientMessage {
  const obj = exactRecord(value, 'message', ['id', 'command']);
  return {
    id: integer(obj.id, 'message.id', 0, Number.MAX_SAFE_INTEGER),
    command: validateCommand(obj.command, 'message.command'),
  };
}

/** The answer to one command over IPC: the result, or a message that says what was wrong. */
export type Reply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: string };

/** IPC channel names, shared by the main process and the preload. */
export const IPC = {
  command: 'kitchen:command',
  batch: 'kitchen:batch',
  pickScript: 'kitchen:pick-script',
  openTrace: 'kitchen:open-trace',
  readTrace: 'kitchen:read-trace',
  menu: 'kitchen:menu',
  saveFile: 'kitchen:save-file',
} as const;

/** What the page may save through the desktop app's save dialog: a picture or a trace it made. */
export interface SaveFileRequest {
  /** The name offered in the dialog (a plain file name, no folder). */
  readonly name: string;
  readonly data: Uint8Array;
}

/** The kinds of file the page saves, by extension, as the save dialog names them. */
export const SAVE_KINDS = {
  png: 'PNG image',
  svg: 'SVG drawing',
  json: 'Chrome trace',
} as const;

/** The most the page may hand the save dialog: a whole-view PNG at 2× is a few MB, a big trace more. */
export const MAX_SAVE_BYTES = 512 * 1024 * 1024;
const SAVE_NAME = /^[\w][\w .()+-]{0,150}\.(png|svg|json)$/;

/** Checks a save request from the page: a plain name with a known extension, and bytes (not too many). */
export function validateSaveFile(payload: unknown): SaveFileRequest & { kind: keyof typeof SAVE_KINDS } {
  const r = exactRecord(payload, 'save request', ['name', 'data']);
  const name = text(r.name, 'save request name', 160);
  const kind = SAVE_NAME.exec(name)?.[1] as keyof typeof SAVE_KINDS | undefined;
  if (!kind || name.includes('..'))
    throw new ValidationError('save request name', 'not a plain .png, .svg or .json name');
  if (!(r.data instanceof Uint8Array))
    throw new ValidationError('save request data', `not bytes but ${describe(r.data)}`);
  if (r.data.byteLength > MAX_SAVE_BYTES)
    throw new ValidationError('save request data', `over ${MAX_SAVE_BYTES} bytes`);
  return { name, data: r.data, kind };
}

/** What the desktop app's menu asks the page to do. */
export type MenuAction = 'open-trace';

/** A trace file the desktop app's open dialog picked, read by its id a chunk at a time (`readTrace`). */
export interface OpenedTrace {
  readonly id: number;
  readonly name: string;
  readonly bytes: number;
}

/**
 * The one table of what the page may ask of the engine: each named function, and the command it
 * sends. The preload builds `window.kitchen` from it, the browser bridge sends the same commands,
 * the main process and the server validate them, and the tests read it: one list, no drift.
 */
export const COMMANDS = {
  hello: () => ({ type: 'hello' }) as const,
  startRun: (scenarioId: string, params: Readonly<Record<string, number>>) =>
    ({ type: 'start-run', scenarioId, params }) as const,
  stopRun: (runId: string) => ({ type: 'stop-run', runId }) as const,
  snapshot: () => ({ type: 'snapshot' }) as const,
  exportTrace: (runId: string) => ({ type: 'export-trace', runId }) as const,
  startScript: (path: string, args: readonly string[]) => ({ type: 'start-script', path, args }) as const,
  startCode: (name: string, code: string, args: readonly string[]) =>
    ({ type: 'start-code', name, code, args }) as const,
  configurePython: (path: string | null) => ({ type: 'configure-python', path }) as const,
} satisfies Record<string, (...args: never[]) => Command>;

/** A function of the table: its arguments, and the command it makes. */
type CommandName = keyof typeof COMMANDS;
type Made<K extends CommandName> = ReturnType<(typeof COMMANDS)[K]>;

/** The functions the desktop app's preload adds to the table: things only it can do, or do this way. */
export const PRELOAD_EXTRAS = ['pickScript', 'onBatch', 'openTrace', 'readTrace', 'onMenu', 'saveFile'] as const;

/**
 * The named functions the preload exposes as `window.kitchen` (and nothing else): one for each
 * command of the table, answering with the command's result or an error, and PRELOAD_EXTRAS.
 */
export type KitchenApi = {
  readonly [K in CommandName]: (
    ...args: Parameters<(typeof COMMANDS)[K]>
  ) => Promise<Reply<CommandResults[Made<K>['type']]>>;
} & {
  /** Opens the system's file dialog for a Python script (Electron only); null if cancelled. */
  pickScript(): Promise<string | null>;
  /** Calls `listener` with every event batch; returns a function that stops it. */
  onBatch(listener: (batch: EventBatch) => void): () => void;
  /** Opens the system's file dialog for a Chrome trace (Electron only); null if cancelled. */
  openTrace(): Promise<OpenedTrace | null>;
  /** The next chunk of an opened trace (at most 1 MiB), or null at its end (the file is then closed). */
  readTrace(id: number): Promise<Uint8Array | null>;
  /** Calls `listener` when the app's menu asks for something (File ▸ Open Trace…). */
  onMenu(listener: (action: MenuAction) => void): () => void;
  /** Saves bytes the page made through the system's save dialog; the path saved to, or null if cancelled. */
  saveFile(request: SaveFileRequest): Promise<string | null>;
};

/** How the preload reaches the main process: what the API is built on. */
export interface ApiTransport {
  invoke(command: Command): Promise<Reply<unknown>>;
  pickScript(): Promise<string | null>;
  onBatch(listener: (batch: EventBatch) => void): () => void;
  openTrace(): Promise<OpenedTrace | null>;
  readTrace(id: number): Promise<Uint8Array | null>;
  onMenu(listener: (action: MenuAction) => void): () => void;
  saveFile(request: SaveFileRequest): Promise<string | null>;
}

/** `window.kitchen`, built from the table over a transport (the preload's ipcRenderer). */
export function buildKitchenApi(transport: ApiTransport): KitchenApi {
  const api: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(COMMANDS) as [CommandName, (...args: never[]) => Command][]) {
    // eslint-disable-next-line no-restricted-syntax -- a command's own arguments (two at most), not an array of data.
    api[name] = (...args: never[]) => transport.invoke(make(...args));
  }
  api.pickScript = () => transport.pickScript();
  api.onBatch = (listener: (batch: EventBatch) => void) => transport.onBatch(listener);
  api.openTrace = () => transport.openTrace();
  api.readTrace = (id: number) => transport.readTrace(id);
  api.onMenu = (listener: (action: MenuAction) => void) => transport.onMenu(listener);
  api.saveFile = (request: SaveFileRequest) => transport.saveFile(request);
  // Each function answers with its own command's result type: the table says which.
  return api as KitchenApi;
}

/** Every function name `window.kitchen` has, sorted: what a test of the preload expects. */
export const KITCHEN_API_NAMES: readonly string[] = [...Object.keys(COMMANDS), ...PRELOAD_EXTRAS].sort();
