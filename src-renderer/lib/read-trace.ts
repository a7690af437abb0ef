import { importChromeTrace, isGzip, type ImportResult } from '@shared/trace-import/index';

/** The stream un-gzipped if its first bytes say it is gzip. */
async function maybeGunzip(stream: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = stream.getReader();
  const first = await reader.read();
  const head = first.value ?? new Uint8Array(0);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.byteLength > 0) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return isGzip(head)
    ? rest.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>)
    : rest;
}

/** A text stream as an async iterable of chunks, cancelled with the signal. */
async function* streamChunks(stream: ReadableStream<string>, signal: AbortSignal): AsyncGenerator<string> {
  const reader = stream.getReader();
  try {
    for (;;) {
      if (signal.aborted) return;
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/**
 * Reads a Chrome trace from a byte stream (a file the user picked or dropped, the desktop app's
 * dialog, or the one `kitchen view` was given): un-gzipped if it is gzip, decoded, and folded into a
 * model by the shared importer as it streams in. `onProgress` gets the share of the bytes read (null
 * where the size is not known) and the events so far; `signal` cancels.
 */
export async function readTrace(
  stream: ReadableStream<Uint8Array>,
  name: string,
  bytes: number | null,
  signal: AbortSignal,
  onProgress: (fraction: number | null, events: number) => void,
): Promise<ImportResult> {
  let read = 0;
  const counted = stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
  const text = (await maybeGunzip(counted)).pipeThrough(
    new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
  );
  return importChromeTrace(streamChunks(text, signal), {
    fileName: name,
    signal,
    onProgress: (_chars, events) => onProgress(bytes ? Math.min(1, read / bytes) : null, events),
  });
}
