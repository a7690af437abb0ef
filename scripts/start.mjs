/**
 * `npm start`: the desktop app. Runs Electron when its binary is installed
 * (fetching it on first start, as the electron package does); otherwise says
 * so in one line and starts browser mode instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** The Electron executable if it is installed, else null, with the reason. */
function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { path: null, reason: 'the electron package is not installed (run npm ci)' };
  }
  const installed = () => {
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
    return existsSync(binary) ? binary : null;
  };
  if (installed()) return { path: installed(), reason: null };
  process.stderr.write("Fetching Electron's binary (first start only)…\n");
  const fetch = spawnSync(process.execPath, [join(dir, 'install.js')], { encoding: 'utf8' });
  if (fetch.status === 0 && installed()) return { path: installed(), reason: null };
  const detail = `${fetch.stderr ?? ''}`
    .split('\n')
    .find((l) => /error|failed/i.test(l))
    ?.trim();
  return { path: null, reason: `its download failed${detail ? `: ${detail}` : ''}` };
}

await ensureBuilt();
const electron = electronBinary();

if (electron.path) {
  // Chromium refuses to run as root without this; as root the OS sandbox is off.
  const rootUser = process.getuid?.() === 0;
  if (rootUser) process.stderr.write('Running as root: Electron starts with --no-sandbox.\n');
  const child = spawn(electron.path, [root, ...(rootUser ? ['--no-sandbox'] : []), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Electron's binary is not available (${electron.reason}); starting browser mode instead.`);
  process.argv = [process.argv[0], join(root, 'out/main/web.js'), ...args];
  await import('../out/main/web.js');
}
