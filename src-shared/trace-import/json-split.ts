/**
 * Splits a Chrome Trace Event file, arriving as text chunks, into batches of
 * parsed events without holding the whole text: a scanner finds where each
 * top-level element of the event array ends (it tracks strings and nesting,
 * nothing else), and each chunk's complete elements are parsed at once by
 * the native JSON.parse. A streaming parser library was measured first
 * (@streamparser/json: 5.0 s for an 88 MB, 1M-event file, against 1.2 s for
 * JSON.parse of the whole text); this is about as fast as the latter without
 * the second copy. Both forms are read: a bare array of events, and an object
 * with `traceEvents` (other keys are skipped, those in `keep` handed over).
 */

/** What the splitter found wrong, and where (1-based line and column, and the character offset). */
export class TraceSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly offset: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = 'TraceSyntaxError';
  }
}

/** Receives what the splitter reads. */
export interface SplitSink {
  /** Parsed elements of the event array, in file order; `firstIndex` is the first one's index in the array. */
  events(batch: unknown[], firstIndex: number): void;
  /** A top-level key of the object form, other than traceEvents, that was asked for. */
  field(key: string, value: unknown): void;
}

type Mode = 'root' | 'key' | 'colon' | 'value' | 'events' | 'skip' | 'after';

const enum C {
  Quote = 34,
  Backslash = 92,
  OpenBrace = 123,
  CloseBrace = 125,
  OpenBracket = 91,
  CloseBracket = 93,
  Comma = 44,
  Colon = 58,
  Space = 32,
  Tab = 9,
  Newline = 10,
  Return = 13,
}

const isSpace = (c: number): boolean => c === C.Space || c === C.Newline || c === C.Return || c === C.Tab;

/** A longest captured top-level value (otherData and the like); larger ones are skipped. */
const MAX_FIELD_CHARS = 16 << 20;

export class TraceJsonSplitter {
  private buf = '';
  private pos = 0;
  /** Characters dropped from the front of `buf`, and the newlines among them. */
  private dropped = 0;
  private droppedLines = 0;
  /** Where the line that the dropped text ends in starts (a character offset in the whole text). */
  private droppedLineStart = 0;
  private mode: Mode = 'root';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Depth of the event array's elements (1: a bare array; 2: inside the object form's traceEvents). */
  private elementDepth = 1;
  /** Index in buf of the first element not yet parsed, of the open element, and after the last complete one. */
  private batchStart = -1;
  private elementStart = -1;
  private lastEnd = -1;
  /** A primitive element or value (number, true…) is being read. */
  private primitive = false;
  private elementsParsed = 0;
  private keyStart = -1;
  private key = '';
  private valueStart = -1;

  constructor(
    private readonly sink: SplitSink,
    private readonly keep: ReadonlySet<string> = new Set(['otherData', 'displayTimeUnit', 'metadata']),
  ) {}

  /** Events handed to the sink so far. */
  get eventsRead(): number {
    return this.elementsParsed;
  }

  /** Characters read so far. */
  get charsRead(): number {
    return this.dropped + this.pos;
  }

  /** Where the scanner is, in words (for a file that ends early). */
  get where(): string {
    switch (this.mode) {
      case 'root':
        return 'before any JSON value';
      case 'events':
        return `inside the event array, after ${this.elementsParsed.toLocaleString('en')} complete events`;
      case 'key':
      case 'colon':
      case 'value':
      case 'skip':
        return this.key ? `in the top-level field "${this.key}"` : 'in the top-level object';
      case 'after':
        return 'after the end';
    }
  }

  /** Scans one more chunk of text. */
  write(chunk: string): void {
    this.buf += chunk;
    this.scan();
    this.flushBatch();
    this.compact();
  }

  /** The text has ended: checks that it was whole. */
  end(): void {
    if (this.mode === 'after') return;
    // The array form may leave out its closing bracket (the format allows it, for traces cut off by a crash).
    const between = !this.inString && !this.primitive && this.depth === this.elementDepth;
    if (this.mode === 'events' && this.elementDepth === 1 && between) return;
    if (this.mode === 'root' && this.buf.trim() === '') throw this.error('the file is empty', this.pos);
    throw this.error(`the file ends early, ${this.where}`, this.buf.length);
  }

  private error(message: string, index: number): TraceSyntaxError {
    let line = this.droppedLines + 1;
    let lineStart = this.droppedLineStart;
    for (let i = this.buf.indexOf('\n'); i >= 0 && i < index; i = this.buf.indexOf('\n', i + 1)) {
      line++;
      lineStart = this.dropped + i + 1;
    }
    const offset = this.dropped + index;
    return new TraceSyntaxError(message, line, offset - lineStart + 1, offset);
  }

  private unexpected(i: number): TraceSyntaxError {
    const shown = JSON.stringify(this.buf.slice(i, i + 12));
    return this.error(`unexpected ${shown} ${this.where}`, i);
  }

  private scan(): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let elementDepth = this.elementDepth;
    try {
      for (; i < n; i++) {
        const c = buf.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === C.Backslash) escaped = true;
          else if (c === C.Quote) {
            inString = false;
            if (depth === elementDepth && this.mode === 'events') this.lastEnd = i + 1;
            else if (depth === 1 && this.mode === 'key') {
              this.key = JSON.parse(buf.slice(this.keyStart, i + 1)) as string;
              this.keyStart = -1;
              this.mode = 'colon';
            } else if (depth === 1 && this.mode === 'skip') this.endValue(i + 1);
          }
          continue;
        }
        if (this.mode === 'events') {
          if (depth > elementDepth) {
            // Inside an event: only strings and nesting matter.
            if (c === C.Quote) inString = true;
            else if (c === C.OpenBrace || c === C.OpenBracket) depth++;
            else if (c === C.CloseBrace || c === C.CloseBracket) {
              depth--;
              if (depth === elementDepth) this.lastEnd = i + 1;
            }
            continue;
          }
          if (isSpace(c)) continue;
          if (c === C.Comma) {
            if (this.primitive) this.endPrimitive(i);
            continue;
          }
          if (c === C.CloseBracket) {
            if (this.primitive) this.endPrimitive(i);
            depth--;
            this.flushBatch();
            this.mode = elementDepth === 1 ? 'after' : 'key';
            continue;
          }
          if (c === C.CloseBrace) throw this.unexpected(i);
          if (!this.primitive) this.startElement(i);
          if (c === C.Quote) inString = true;
          else if (c === C.OpenBrace || c === C.OpenBracket) depth++;
          else this.primitive = true;
          continue;
        }
        if (isSpace(c)) continue;
        switch (this.mode) {
          case 'root':
            if (c === C.OpenBracket) {
              this.mode = 'events';
              this.elementDepth = elementDepth = 1;
              depth = 1;
              break;
            }
            if (c !== C.OpenBrace)
              throw this.error('a trace is a JSON array of events or an object with "traceEvents"', i);
            this.mode = 'key';
            depth = 1;
            break;
          case 'key':
            if (c === C.Quote) {
              inString = true;
              this.keyStart = i;
            } else if (c === C.CloseBrace) {
              depth = 0;
              this.mode = 'after';
            } else if (c !== C.Comma) throw this.unexpected(i);
            break;
          case 'colon':
            if (c !== C.Colon) throw this.unexpected(i);
            this.mode = 'value';
            break;
          case 'value':
            if (this.key === 'traceEvents' && c === C.OpenBracket) {
              this.mode = 'events';
              this.elementDepth = elementDepth = 2;
              depth = 2;
              break;
            }
            this.mode = 'skip';
            this.valueStart = i;
            if (c === C.Quote) inString = true;
            else if (c === C.OpenBrace || c === C.OpenBracket) depth++;
            else this.primitive = true;
            break;
          case 'skip':
            if (depth === 1 && this.primitive && (c === C.Comma || c === C.CloseBrace)) {
              this.primitive = false;
              this.endValue(i);
              if (c === C.CloseBrace) {
                depth = 0;
                this.mode = 'after';
              }
            } else if (c === C.Quote) inString = true;
            else if (c === C.OpenBrace || c === C.OpenBracket) depth++;
            else if (c === C.CloseBrace || c === C.CloseBracket) {
              depth--;
              if (depth === 1) this.endValue(i + 1);
            }
            break;
          case 'after':
            throw this.error(`more text after the trace ended: ${JSON.stringify(buf.slice(i, i + 12))}`, i);
        }
      }
    } finally {
      this.pos = i;
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
    }
  }

  private startElement(i: number): void {
    this.elementStart = i;
    if (this.batchStart < 0) this.batchStart = i;
  }

  private endPrimitive(i: number): void {
    this.primitive = false;
    this.lastEnd = i;
  }

  /** A top-level value of the object form ended at `end`: handed over if asked for. */
  private endValue(end: number): void {
    if (this.keep.has(this.key) && this.valueStart >= 0 && end - this.valueStart <= MAX_FIELD_CHARS) {
      const text = this.buf.slice(this.valueStart, end);
      try {
        this.sink.field(this.key, JSON.parse(text));
      } catch (err) {
        throw this.error(`the field "${this.key}" is not valid JSON (${(err as Error).message})`, this.valueStart);
      }
    }
    this.valueStart = -1;
    this.mode = 'key';
  }

  /** Parses the complete elements scanned so far, in one JSON.parse. */
  private flushBatch(): void {
    if (this.batchStart < 0 || this.lastEnd <= this.batchStart) return;
    const text = this.buf.slice(this.batchStart, this.lastEnd);
    let batch: unknown[];
    try {
      batch = JSON.parse(`[${text}]`) as unknown[];
    } catch (err) {
      const message = (err as Error).message;
      const at = /position (\d+)/.exec(message);
      const index = at ? this.batchStart + Number(at[1]) - 1 : this.batchStart;
      const what = message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)/, '');
      throw this.error(`an event is not valid JSON: ${what}`, index);
    }
    const first = this.elementsParsed;
    this.elementsParsed += batch.length;
    // An element still open after the last complete one starts the next batch.
    this.batchStart = this.elementStart >= this.lastEnd ? this.elementStart : -1;
    this.sink.events(batch, first);
  }

  /** Drops the text no longer needed. */
  private compact(): void {
    let keep = this.pos;
    if (this.batchStart >= 0) keep = Math.min(keep, this.batchStart);
    if (this.keyStart >= 0) keep = Math.min(keep, this.keyStart);
    if (this.valueStart >= 0 && this.keep.has(this.key)) keep = Math.min(keep, this.valueStart);
    if (keep <= 0) return;
    for (let i = this.buf.indexOf('\n'); i >= 0 && i < keep; i = this.buf.indexOf('\n', i + 1)) {
      this.droppedLines++;
      this.droppedLineStart = this.dropped + i + 1;
    }
    this.buf = this.buf.slice(keep);
    this.dropped += keep;
    this.pos -= keep;
    const shift = (v: number): number => (v >= keep ? v - keep : -1);
    this.batchStart = shift(this.batchStart);
    this.elementStart = shift(this.elementStart);
    this.lastEnd = shift(this.lastEnd);
    this.keyStart = shift(this.keyStart);
    this.valueStart = shift(this.valueStart);
  }
}
