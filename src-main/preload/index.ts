/**
 * The only bridge between the sandboxed page and the app: named functions,
 * no raw ipcRenderer. They are built from the protocol's one table of
 * commands; every payload is validated again in the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildKitchenApi, IPC, type MenuAction, type OpenedTrace, type Reply } from '../protocol/commands';
import type { EventBatch } from '../protocol/events';

const api = buildKitchenApi({
  invoke: (command) => ipcRenderer.invoke(IPC.command, command) as Promise<Reply<unknown>>,
  pickScript: () => ipcRenderer.invoke(IPC.pickScript) as Promise<string | null>,
  onBatch(listener) {
    const handler = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(IPC.batch, handler);
    return () => {
      ipcRenderer.off(IPC.batch, handler);
    };
  },
  openTrace: () => ipcRenderer.invoke(IPC.openTrace) as Promise<OpenedTrace | null>,
  readTrace: (id) => ipcRenderer.invoke(IPC.readTrace, id) as Promise<Uint8Array | null>,
  saveFile: (request) => ipcRenderer.invoke(IPC.saveFile, request) as Promise<string | null>,
  onMenu(listener) {
    const handler = (_event: IpcRendererEvent, action: MenuAction) => listener(action);
    ipcRenderer.on(IPC.menu, handler);
    return () => {
      ipcRenderer.off(IPC.menu, handler);
    };
  },
});

contextBridge.exposeInMainWorld('kitchen', api);
