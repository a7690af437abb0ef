import { Menu, app, type BrowserWindow } from 'electron';
import { IPC, type MenuAction } from '../protocol/commands';

/**
 * A short menu: File ▸ Open Trace… (which asks the page, through the preload's onMenu, to open the
 * system's dialog), then the standard edit, view and window roles; nothing that loads code.
 */
export function setupMenu(window: () => BrowserWindow | null): void {
  const isMac = process.platform === 'darwin';
  const ask = (action: MenuAction) => {
    const target = window();
    if (target && !target.isDestroyed()) target.webContents.send(IPC.menu, action);
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      {
        label: 'File',
        submenu: [
          { label: 'Open Trace…', accelerator: 'CmdOrCtrl+O', click: () => ask('open-trace') },
          { type: 'separator' },
          isMac ? { role: 'close' as const } : { role: 'quit' as const },
        ],
      },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
          ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }]),
        ],
      },
      { role: 'windowMenu' },
    ]),
  );
}
