import { ChromeTraceImporter, type ImportResult } from './chrome';
import { TraceJsonSplitter, TraceSyntaxError } from './json-split';

export type { ImportResult } from './chrome';

/** Why a file could not be read, where, and what of it could be (null if nothing useful). */
export class TraceImportError extends Error {
  constructor(
    message: string,
    readonly partial: ImportResult | null,
  ) {
    super(message);
    this.name = 'TraceImportError';
  }
}

/** The import was cancelled. */
export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
    this.name = 'ImportCancelled';
  }
}

export interface ImportOptions {
  readonly fileName: string;
  /** Called after each chunk with the characters read so far. */
  readonly onProgress?: (charsRead: number, eventsRead: number) => void;
  readonly signal?: AbortSignal;
  /** Lets the page paint between chunks after this much work (ms); 0: never yields. */
  readonly yieldEveryMs?: number;
}

const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Reads a Chrome Trace Event file from its text chunks (decoded, un-gzipped by the caller) into a
 * RunModel. Malformed files throw TraceImportError with the line and column where reading failed,
 * and with what was read before it when that has anything to show.
 */
export async function importChromeTrace(chunks: AsyncIterable<string>, options: ImportOptions): Promise<ImportResult> {
  const importer = new ChromeTraceImporter(options.fileName);
  const splitter = new TraceJsonSplitter(importer);
  const yieldEvery = options.yieldEveryMs ?? 40;
  let lastYield = performance.now();
  try {
    for await (const chunk of chunks) {
      if (options.signal?.aborted) throw new ImportCancelled();
      splitter.write(chunk);
      options.onProgress?.(splitter.charsRead, splitter.eventsRead);
      if (yieldEvery > 0 && performance.now() - lastYield > yieldEvery) {
        await pause();
        lastYield = performance.now();
      }
    }
    if (options.signal?.aborted) throw new ImportCancelled();
    splitter.end();
  } catch (err) {
    if (err instanceof ImportCancelled) throw err;
    const message = err instanceof TraceSyntaxError ? err.message : (err as Error).message;
    const partial = splitter.eventsRead > 0 ? importer.finish() : null;
    const kept = partial ? ` The ${splitter.eventsRead.toLocaleString('en')} events before it are shown.` : '';
    throw new TraceImportError(`${options.fileName} is not a readable Chrome trace: ${message}.${kept}`, partial);
  }
  const result = importer.finish();
  if (result.model.spans.count === 0 && result.model.instants.length === 0) {
    throw new TraceImportError(
      `${options.fileName} has no slices or instants to draw (${result.events.toLocaleString('en')} events read${
        result.notes.length > 0 ? `; ${result.notes.join(' ')}` : ''
      }).`,
      null,
    );
  }
  return result;
}

/** Gzip's magic bytes. */
export const isGzip = (head: Uint8Array): boolean => head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
