/**
 * Browser mode, started: the same engine behind a loopback server. `npm run web` and
 * `kitchen view FILE` both start it here; it prints the URL (with its token) on one line and opens it
 * unless told not to.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP } from '../app-info';
import { Engine } from '../engine/engine';
import { stopRunsBeforeDying } from '../engine/last-resort';
import { builtLayout } from '../engine/build-paths';
import { privateTempDir, removeTempDir } from '../engine/temp';
import { startWebServer } from './server';

/** How long the page that opens the app (with the token in it) is kept. */
const OPENER_KEEP_MS = 60_000;

/**
 * Opens the app in the default browser (KITCHEN_OPEN_WITH names another command). The opener's command
 * line is readable by every user of the machine (`ps`), so it is not given the URL and its token: it
 * is given a page in a private folder (this user's only) that sends the browser on to the URL. The
 * page is removed a minute later, or when the server stops.
 */
function openBrowser(url: string): void {
  const dir = privateTempDir('open');
  const page = join(dir, 'open.html');
  const href = JSON.stringify(url);
  writeFileSync(
    page,
    `<!doctype html><meta charset="utf-8"><title>Concurrency Kitchen</title>` +
      `<script>location.replace(${href})</script><p>Opening Concurrency Kitchen…</p>\n`,
    { mode: 0o600 },
  );
  setTimeout(() => removeTempDir(dir), OPENER_KEEP_MS).unref();
  const custom = process.env.KITCHEN_OPEN_WITH;
  const [command, args] = custom
    ? [custom, [page]]
    : process.platform === 'darwin'
      ? ['open', [page]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', page]]
        : ['xdg-open', [page]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('Could not open a browser: open the URL above yourself.'));
  child.unref();
}

/** What to serve: the port, whether to open a browser, and a trace file to open in it. */
export interface BrowserModeOptions {
  readonly port: number;
  readonly open: boolean;
  readonly openFile?: { readonly path: string };
  /** The built main bundle's folder (out/main), where the renderer and the workloads are found. */
  readonly builtDir: string;
}

/** Starts browser mode and stops it (every run with it) on SIGINT or SIGTERM. */
export async function serveBrowserMode(options: BrowserModeOptions): Promise<void> {
  const engine = new Engine({
    ...builtLayout(options.builtDir),
    transport: 'browser',
    version: APP.version,
  });
  stopRunsBeforeDying(engine);
  let server;
  try {
    server = await startWebServer({
      engine,
      rendererDir: join(options.builtDir, '../renderer'),
      port: options.port,
      ...(options.openFile ? { openFile: options.openFile.path } : {}),
    });
  } catch (err) {
    console.error(`Could not start browser mode: ${(err as Error).message}`);
    process.exit(1);
  }
  // `npm start` without Electron's binary says why, and where the app is instead, in one line.
  const intro = process.env.KITCHEN_WEB_INTRO;
  console.log(intro ? `${intro} ${server.url}` : `${APP.name} (browser mode): ${server.url}`);
  if (options.open) openBrowser(server.url);

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await engine.stopAll();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}
