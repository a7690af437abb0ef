/**
 * The built renderer's files, as both doors serve them (browser mode's HTTP server and the desktop
 * app's app:// protocol): which file a request's path names, and its content type. No Electron, no
 * engine: plain functions, held by the tests of both.
 */
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The content type of one of the renderer's files. */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}

/**
 * The file under `rendererDir` (absolute, normalised) a request's path names, or null: a path that
 * does not decode (`/%`, overlong UTF-8 such as %C0%AE), holds a NUL, or leads out of the folder.
 */
export function rendererPath(rendererDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = normalize(join(rendererDir, relative));
  return path.startsWith(rendererDir + sep) ? path : null;
}
