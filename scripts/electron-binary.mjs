/**
 * Where Electron's executable is, without downloading it: the electron
 * package fetches its binary on first use, and on a closed network that
 * fails. Used by `npm start` and the Electron tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The electron package's folder, or null when the package is not installed.
 * @returns {string | null}
 */
export function electronPackageDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The installed Electron executable, or why there is none.
 * @returns {{ path: string, reason: null } | { path: null, reason: string }}
 */
export function installedElectron() {
  const dir = electronPackageDir();
  if (!dir) return { path: null, reason: 'the electron package is not installed (run npm ci)' };
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, reason: "Electron's binary has not been downloaded" };
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? { path: binary, reason: null } : { path: null, reason: `${binary} is missing` };
}
