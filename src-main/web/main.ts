/**
 * `npm run web`: browser mode. The same engine behind a loopback server;
 * prints the URL (with its token) on one line and opens it unless told not to.
 */
import { Command as Program } from 'commander';
import { APP } from '../app-info';
import { parsePort } from '../cli/params';
import { serveBrowserMode } from './serve';

async function main(): Promise<void> {
  const options = new Program('kitchen-web')
    .description(`${APP.name} in your browser, served on 127.0.0.1 only`)
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .parse(process.argv)
    .opts<{ port: number; open: boolean }>();
  await serveBrowserMode({ ...options, builtDir: import.meta.dirname });
}

void main();
