import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { importChromeTrace, isGzip, type ImportOptions, type ImportResult } from '../../src-shared/trace-import/index';

/** Reads a Chrome trace file (plain or gzipped) from disk, streaming, into a model. */
export async function readTraceFile(
  path: string,
  options: Omit<ImportOptions, 'fileName'> & { fileName?: string } = {},
): Promise<ImportResult> {
  const head = Buffer.alloc(2);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const text = isGzip(head) ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  text.setEncoding('utf8');
  file.on('error', (err) => text.destroy(err));
  const name = options.fileName ?? path.split(/[\\/]/).pop() ?? path;
  return importChromeTrace(text as AsyncIterable<string>, { yieldEveryMs: 0, ...options, fileName: name });
}
