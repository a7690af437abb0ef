import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Engine } from '../engine/engine';
import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { IPC, SAVE_KINDS, validateCommand, validateSaveFile, type OpenedTrace, type Reply } from '../protocol/commands';
import { integer } from '../protocol/validate';
import { trustedSender as trusted } from './policy';

/** Only the app's own page in the app's own window may command the engine (the rule: policy.ts). */
function trustedSender(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  const frame = event.senderFrame;
  return trusted(
    {
      fromAppWindow: event.sender === window.webContents,
      frame: frame ? { url: frame.url, isMainFrame: frame === event.sender.mainFrame } : null,
    },
    process.env.ELECTRON_RENDERER_URL,
  );
}

/** How much of an opened trace one readTrace answers with. */
const TRACE_CHUNK_BYTES = 1 << 20;

/**
 * One channel in (`kitchen:command`, validated), one out (`kitchen:batch`).
 * Every reply is `{ ok, result | error }`, so the page never sees a raw
 * exception from the main process.
 */
export function setupIpc(engine: Engine, window: BrowserWindow): () => void {
  ipcMain.handle(IPC.command, async (event, payload: unknown): Promise<Reply<unknown>> => {
    if (!trustedSender(event, window)) return { ok: false, error: 'refused: not the app window' };
    try {
      return { ok: true, result: await engine.handle(validateCommand(payload)) };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
  });
  // The one thing only the desktop app can do: the system's open dialog, for a script to trace.
  ipcMain.handle(IPC.pickScript, async (event): Promise<string | null> => {
    if (!trustedSender(event, window)) return null;
    const picked = await dialog.showOpenDialog(window, {
      title: 'Trace a Python script',
      properties: ['openFile'],
      filters: [
        { name: 'Python scripts', extensions: ['py', 'pyw'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return picked.canceled ? null : (picked.filePaths[0] ?? null);
  });
  // Chrome traces picked in the system's dialog, read by the page a chunk at a time (never a path it names).
  const traces = new Map<number, FileHandle>();
  let nextTrace = 1;
  ipcMain.handle(IPC.openTrace, async (event): Promise<OpenedTrace | null> => {
    if (!trustedSender(event, window)) return null;
    const picked = await dialog.showOpenDialog(window, {
      title: 'Open a Chrome trace',
      properties: ['openFile'],
      filters: [
        { name: 'Chrome traces', extensions: ['json', 'gz', 'trace'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    const path = picked.canceled ? null : (picked.filePaths[0] ?? null);
    if (path === null) return null;
    const handle = await open(path, 'r');
    const id = nextTrace++;
    traces.set(id, handle);
    return { id, name: basename(path), bytes: (await handle.stat()).size };
  });
  ipcMain.handle(IPC.readTrace, async (event, payload: unknown): Promise<Uint8Array | null> => {
    if (!trustedSender(event, window)) return null;
    const id = integer(payload, 'trace id', 1, Number.MAX_SAFE_INTEGER);
    const handle = traces.get(id);
    if (!handle) throw new Error(`no trace ${id} is open`);
    const buffer = new Uint8Array(TRACE_CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead > 0) return buffer.subarray(0, bytesRead);
    traces.delete(id);
    await handle.close();
    return null;
  });
  // Pictures and traces the page made, written where the user says in the system's save dialog.
  ipcMain.handle(IPC.saveFile, async (event, payload: unknown): Promise<string | null> => {
    if (!trustedSender(event, window)) return null;
    const { name, data, kind } = validateSaveFile(payload);
    const picked = await dialog.showSaveDialog(window, {
      title: `Save ${SAVE_KINDS[kind].toLowerCase()}`,
      defaultPath: name,
      filters: [{ name: SAVE_KINDS[kind], extensions: [kind] }],
    });
    if (picked.canceled || !picked.filePath) return null;
    await writeFile(picked.filePath, data);
    return picked.filePath;
  });
  const unsubscribe = engine.onBatch((batch) => {
    if (!window.isDestroyed()) window.webContents.send(IPC.batch, batch);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC.command);
    ipcMain.removeHandler(IPC.pickScript);
    ipcMain.removeHandler(IPC.openTrace);
    ipcMain.removeHandler(IPC.readTrace);
    ipcMain.removeHandler(IPC.saveFile);
    for (const handle of traces.values()) void handle.close();
    traces.clear();
  };
}
