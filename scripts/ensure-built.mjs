/**
 * Builds the app when `out/` is missing or older than its sources, so
 * `npm start`, `npm run web` and `npm run kitchen` work right after `npm ci`
 * and never run stale code. Build messages go to stderr. `--force` always
 * builds (`npm run build`).
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'out', '.built');
const sources = ['src-main', 'src-shared', 'src-renderer', 'resources', 'electron.vite.config.ts', 'package.json'];

/**
 * The latest modification time under a path.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** True when the build output is up to date. */
export function isBuilt() {
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return sources.every((s) => !existsSync(join(root, s)) || newest(join(root, s)) <= built);
}

/** Builds if needed (always with `force`). */
export async function ensureBuilt({ force = false } = {}) {
  if (!force && isBuilt()) return;
  if (!force) process.stderr.write('Building Concurrency Kitchen (first run, or the sources changed)…\n');
  const { build } = await import('electron-vite');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    await build({ logLevel: force ? 'info' : 'warn' });
  } finally {
    process.chdir(cwd);
  }
  writeFileSync(stamp, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await ensureBuilt({ force: process.argv.includes('--force') });
