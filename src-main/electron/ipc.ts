import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Engine } from '../engine/engine';
import { IPC, validateCommand, type Reply } from '../protocol/commands';
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
  const unsubscribe = engine.onBatch((batch) => {
    if (!window.isDestroyed()) window.webContents.send(IPC.batch, batch);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC.command);
    ipcMain.removeHandler(IPC.pickScript);
  };
}
