import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SPAN_STATES } from '../../src-main/protocol/events';
import { readTraceFile } from '../../src-main/engine/trace-file';
import type { RunModel } from '../../src-shared/run-model';
import { importChromeTrace, TraceImportError } from '../../src-shared/trace-import/index';
import { TraceJsonSplitter } from '../../src-shared/trace-import/json-split';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, 'fixtures/traces', name), 'utf8');

async function* chunksOf(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const open = (text: string, size = 1 << 16) =>
  importChromeTrace(chunksOf(text, size), { fileName: 'test.json', yieldEveryMs: 0 });

/** Each lane's row as `name: state detail [start, end]` lines, in row order. */
function rows(model: RunModel): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const s = model.spans;
  for (const lane of model.inSpawnOrder()) {
    out[lane.info.name] = lane.spans
      .toArray()
      .map(
        (i) =>
          `${SPAN_STATES[s.state[i]]} ${s.detail[i] >= 0 ? s.strings[s.detail[i]] : '-'} [${+s.start[i].toFixed(3)}, ${+s.end[i].toFixed(3)}]`,
      );
  }
  return out;
}

describe('Chrome trace import: the formats other tools write', () => {
  test("VizTracer's output: nested function slices on named threads; counters listed as skipped", async () => {
    const { model, notes } = await open(fixture('viztracer.json'));
    expect(rows(model)).toEqual({
      MainThread: ['slice main (fib.py:9) [0, 30.1]'],
      'Thread-1 (work)': ['slice work (fib.py:5) [9.8, 24.8]'],
    });
    expect(model.processNames.get(4242)).toBe('python3 fib.py');
    expect(notes).toEqual(
      expect.arrayContaining([
        '1 nested slices are kept and drawn as the slice they are in.',
        '1 skipped: counters (C).',
      ]),
    );
    expect(model.instants.map((i) => i.text)).toEqual(['checkpoint']);
    // The slices say nothing of running or waiting: the verdict says so and judges concurrency only.
    expect(model.end?.summary.verdict.rule).toBe('states-unknown');
    // The nested call is found under the pointer (the tooltip lists it), only while it runs.
    const main = model.inSpawnOrder()[0];
    const outer = main.spans.at(0);
    const named = (ids: number[]) => ids.map((i) => model.spans.strings[model.spans.detail[i]]);
    expect(named(model.nestedAt(main.info.laneId, outer, 5))).toEqual(['fib (fib.py:1)']);
    expect(named(model.nestedAt(main.info.laneId, outer, 20))).toEqual([]);
  });

  test("Perfetto's JSON: process names and sort order, B/E nesting, async b/n/e, flows and counters listed", async () => {
    const { model, notes } = await open(fixture('perfetto.json'));
    expect(Object.keys(rows(model))).toEqual(['CrBrowserMain', 'CrRendererMain', 'Load']);
    expect(rows(model)).toMatchObject({
      CrBrowserMain: ['slice RunTask [0, 20]'],
      CrRendererMain: ['slice ParseHTML [5, 45]'],
      Load: ['slice Load [0, 60]'],
    });
    expect(notes).toEqual(
      expect.arrayContaining([
        '2 skipped: flow arrows (s/t/f).',
        '1 skipped: counters (C).',
        '1 nested slices are kept and drawn as the slice they are in.',
      ]),
    );
  });

  test('the array form, with sort indices and without its closing bracket (allowed by the format)', async () => {
    const { model } = await open(fixture('chrome-tracing-array.json'));
    expect(rows(model)).toEqual({
      'worker B': ['slice boil [50, 300]'],
      'worker A': ['slice chop [0, 200]'],
    });
    expect(model.instants).toHaveLength(1);
  });

  test('our own exports keep their lanes in the run’s order, whatever order their pids are in', async () => {
    const lane = (pid: number, name: string) => ({
      pid,
      tid: pid,
      kind: 'process',
      name,
      detail: null,
      parent: null,
      spawnedUs: 0,
      endUs: 10,
      outcome: null,
      soloUs: null,
    });
    const text = JSON.stringify({
      traceEvents: [
        { ph: 'X', name: 'running', pid: 30, tid: 30, ts: 0, dur: 10, args: { state: 'running' } },
        { ph: 'X', name: 'running', pid: 20, tid: 20, ts: 0, dur: 10, args: { state: 'running' } },
      ],
      otherData: { kitchen: { version: 1, lanes: [lane(30, 'first spawned'), lane(20, 'second spawned')] } },
    });
    expect(Object.keys(rows((await open(text)).model))).toEqual(['first spawned', 'second spawned']);
  });

  test('gzipped files are read the same (readTraceFile sniffs the magic bytes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitchen-import-'));
    const plain = join(dir, 'trace.json');
    const gz = join(dir, 'trace.json.gz');
    writeFileSync(plain, fixture('perfetto.json'));
    writeFileSync(gz, gzipSync(fixture('perfetto.json')));
    expect(rows((await readTraceFile(gz)).model)).toEqual(rows((await readTraceFile(plain)).model));
  });

  test('any split of the text into chunks gives the same model', async () => {
    const text = fixture('perfetto.json');
    const whole = rows((await open(text)).model);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 64 }), async (size) => {
        expect(rows((await open(text, size)).model)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Chrome trace import: malformed and truncated files get a clear error, never a crash', () => {
  const failure = async (text: string): Promise<TraceImportError> => {
    try {
      await open(text, 7);
    } catch (err) {
      if (err instanceof TraceImportError) return err;
      throw err;
    }
    throw new Error('no error');
  };

  test('a truncated file says where it ends and shows the events before it', async () => {
    const text = fixture('perfetto.json');
    const cut = text.slice(0, text.indexOf('"ParseHTML"') + 40);
    const err = await failure(cut);
    expect(err.message).toMatch(
      /test\.json is not a readable Chrome trace: line \d+, column \d+: the file ends early, inside the event array, after 9 complete events/,
    );
    expect(err.partial?.model.spans.count).toBeGreaterThan(0);
  });

  test('a bad event says its line and column', async () => {
    const err = await failure('{"traceEvents": [\n{"ph":"X","ts":1,"dur":2},\n{"ph":"X","ts":1,,"dur":2}\n]}');
    expect(err.message).toMatch(/line 3, column 1\d: an event is not valid JSON/);
  });

  test('not a trace at all; empty; an empty trace; events that are not events', async () => {
    expect((await failure('hello')).message).toContain(
      'line 1, column 1: a trace is a JSON array of events or an object with "traceEvents"',
    );
    expect((await failure('')).message).toContain('the file is empty');
    expect((await failure('{"traceEvents": []}')).message).toContain(
      'has no slices or instants to draw (0 events read)',
    );
    const junk = await failure('[1, "x", {"ph":"X"}, {"ts":3}]');
    expect(junk.message).toContain(
      '4 events read; 2 skipped: not an object. 1 skipped: "X" without a numeric ts. 1 skipped: no "ph" (phase). First one skipped: event 0: 1.',
    );
    expect((await failure('[{"ph":"i","ts":1}] [')).message).toContain('more text after the trace ended');
  });

  test('the splitter hands over otherData and skips other big fields without keeping them', () => {
    const fields: Record<string, unknown> = {};
    const events: unknown[] = [];
    const splitter = new TraceJsonSplitter({
      events: (b) => {
        for (const e of b) events.push(e);
      },
      field: (k, v) => (fields[k] = v),
    });
    splitter.write(
      '{"stackFrames": {"1": {"name": "f"}}, "otherData": {"cores": 2, "s": "a]}\\""}, "traceEvents": [{"ph":"i","ts":1}, 2], "samples": [1,2,3]}',
    );
    splitter.end();
    expect(fields).toEqual({ otherData: { cores: 2, s: 'a]}"' } });
    expect(events).toEqual([{ ph: 'i', ts: 1 }, 2]);
  });
});
