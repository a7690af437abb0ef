import type { Readable } from 'node:stream';

/**
 * Splits a byte stream into lines (LF or CRLF), cutting any line longer
 * than `maxChars` into pieces so one endless line cannot fill memory.
 * Resolves when the stream ends (a last unterminated line is delivered).
 */
export function eachLine(stream: Readable | null, onLine: (line: string) => void, maxChars = 64 * 1024): Promise<void> {
  if (!stream) return Promise.resolve();
  stream.setEncoding('utf8');
  let partial = '';
  return new Promise((resolve) => {
    stream.on('data', (chunk: string) => {
      let text = partial + chunk;
      let newline = text.indexOf('\n');
      while (newline >= 0) {
        const line = text.slice(0, newline);
        onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
        text = text.slice(newline + 1);
        newline = text.indexOf('\n');
      }
      while (text.length > maxChars) {
        onLine(text.slice(0, maxChars));
        text = text.slice(maxChars);
      }
      partial = text;
    });
    const end = () => {
      if (partial) onLine(partial);
      partial = '';
      resolve();
    };
    stream.once('end', end);
    stream.once('close', end);
    stream.once('error', end);
  });
}
