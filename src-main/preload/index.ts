/**
 * The only bridge between the sandboxed page and the app: named functions,
 * no raw ipcRenderer. Every payload is validated again in the main process.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC, type Command, type KitchenApi } from '../protocol/commands';
import type { EventBatch } from '../protocol/events';

const invoke = (command: Command) => ipcRenderer.invoke(IPC.command, command);

const api: KitchenApi = {
  hello: () => invoke({ type: 'hello' }),
  startRun: (scenarioId, params) => invoke({ type: 'start-run', scenarioId, params }),
  stopRun: (runId) => invoke({ type: 'stop-run', runId }),
  snapshot: () => invoke({ type: 'snapshot' }),
  exportTrace: (runId) => invoke({ type: 'export-trace', runId }),
  startScript: (path, args) => invoke({ type: 'start-script', path, args }),
  configurePython: (path) => invoke({ type: 'configure-python', path }),
  pickScript: () => ipcRenderer.invoke(IPC.pickScript),
  onBatch(listener) {
    const handler = (_event: IpcRendererEvent, batch: EventBatch) => listener(batch);
    ipcRenderer.on(IPC.batch, handler);
    return () => {
      ipcRenderer.off(IPC.batch, handler);
    };
  },
};

contextBridge.exposeInMainWorld('kitchen', api);
