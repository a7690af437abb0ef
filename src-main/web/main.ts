/**
 * `npm run web`: browser mode. The same engine behind a loopback server;
 * prints the URL (with its token) on one line and opens it unless told not to.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Command as Program, InvalidArgumentError } from 'commander';
import { APP } from '../app-info';
import { Engine } from '../engine/engine';
import { builtLayout } from '../engine/layout';
import { startWebServer } from './server';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** Opens the URL in the default browser; says so plainly if it cannot. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.log('Could not open a browser: open the URL above yourself.'));
  child.unref();
}

async function main(): Promise<void> {
  const options = new Program('kitchen-web')
    .description(`${APP.name} in your browser, served on 127.0.0.1 only`)
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .parse(process.argv)
    .opts<{ port: number; open: boolean }>();

  const engine = new Engine({ ...builtLayout(import.meta.dirname), transport: 'browser', version: APP.version });
  let server;
  try {
    server = await startWebServer({
      engine,
      rendererDir: join(import.meta.dirname, '../renderer'),
      port: options.port,
    });
  } catch (err) {
    console.error(`Could not start browser mode: ${(err as Error).message}`);
    process.exit(1);
  }
  console.log(`${APP.name} (browser mode): ${server.url}`);
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

void main();
