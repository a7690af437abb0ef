/**
 * `npm start`: the desktop app. Runs Electron when its binary is installed
 * (fetching it on first start, as the electron package does); otherwise says
 * so in one line and starts browser mode instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { electronPackageDir, installedElectron } from './electron-binary.mjs';
import { ensureBuilt } from './ensure-built.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/**
 * The Electron executable, downloading it once if the package is there but its binary is not.
 * @returns {{ path: string, reason: null } | { path: null, reason: string }}
 */
function electron() {
  const found = installedElectron();
  const dir = electronPackageDir();
  if (found.path || !dir) return found;
  process.stderr.write("Fetching Electron's binary (first start only)…\n");
  const fetch = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8' });
  const after = installedElectron();
  if (fetch.status === 0 && after.path) return after;
  const detail = `${fetch.stderr ?? ''}`
    .split('\n')
    .find((l) => /error|failed/i.test(l))
    ?.trim();
  // A download that could not reach its server: say so in words, not as Node's "TypeError: fetch failed".
  const offline =
    !detail || /fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo/i.test(detail);
  return { path: null, reason: offline ? 'no network?' : detail };
}

await ensureBuilt();
const binary = electron();

if (binary.path) {
  // Chromium refuses to run as root without this; as root the OS sandbox is off.
  const rootUser = process.getuid?.() === 0;
  if (rootUser) process.stderr.write('Running as root: Electron starts with --no-sandbox.\n');
  const child = spawn(binary.path, [root, ...(rootUser ? ['--no-sandbox'] : []), ...args], { stdio: 'inherit' });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  // One sentence, with the address: the server prints it after this intro (see src-main/web/serve.ts).
  process.env.KITCHEN_WEB_INTRO = `Electron could not be ${electronPackageDir() ? 'downloaded' : 'found'} (${binary.reason}); starting browser mode at`;
  const web = join(root, 'out/main/web.js');
  process.argv = [process.argv[0], web, ...args];
  await import(pathToFileURL(web).href);
}
