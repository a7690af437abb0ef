/**
 * Property tests of the record path: random and mutated tracer records, interleaved with random OS
 * samples and watermarks, go through the record validator and the merger into a real Run, whose
 * events are folded into a timeline, summarised and exported as a Chrome trace. Whatever arrives,
 * the run ends, every record the merger makes is valid, spans on a lane never overlap, the summary
 * has no NaN, and the exported trace is well-formed.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Merger } from '../../src-main/engine/python/merge';
import { LANE_KEY } from '../../src-main/engine/python/lane-ends';
import { Run, type RunSink, type RunSource } from '../../src-main/engine/run';
import type { OsSegment } from '../../src-main/engine/sampler/messages';
import { buildTimeline } from '../../src-shared/timeline';
import { toChromeTrace } from '../../src-shared/trace-export';
import type { RunId, ScenarioId } from '../../src-main/protocol/ids';
import { validateTracerRecord, type TracerRecord } from '../../src-main/protocol/tracer';
import { recordWithin, untrusted } from './arbitraries';

const KEYS = ['p1', 'p1t1', 'p1t2', 'p1a1', 'p2', 'p2t1'];
const oneKey = fc.nat({ max: KEYS.length - 1 }).map((i) => KEYS[i] ?? 'p1');
/** Records within the first few milliseconds: the run's clock is that old when they arrive. */
const nearRecord = recordWithin(8000);

/** One thing that happens during a fuzzed run. */
type Step =
  | { readonly kind: 'record'; readonly value: unknown }
  | { readonly kind: 'os'; readonly segments: readonly OsSegment[] }
  | { readonly kind: 'advance'; readonly watermarkUs: number }
  | { readonly kind: 'exit'; readonly keys: readonly string[] };

const segment: fc.Arbitrary<OsSegment> = fc
  .record({
    key: oneKey,
    fromUs: fc.integer({ min: 0, max: 6000 }),
    lengthUs: fc.integer({ min: 0, max: 3000 }),
    os: fc.constantFrom('cpu', 'contended', 'sleep'),
    detail: fc.option(fc.constantFrom('futex_wait_queue', 'do_select', 'pipe_read'), { nil: null }),
    cpuUs: fc.integer({ min: 0, max: 4000 }),
  })
  .map(({ lengthUs, ...s }) => ({ ...s, toUs: s.fromUs + lengthUs }));

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: nearRecord.map((value) => ({ kind: 'record' as const, value })) },
  { weight: 3, arbitrary: untrusted(nearRecord).map((value) => ({ kind: 'record' as const, value })) },
  { weight: 4, arbitrary: fc.array(segment, { maxLength: 5 }).map((segments) => ({ kind: 'os' as const, segments })) },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 8000 }).map((watermarkUs) => ({ kind: 'advance' as const, watermarkUs })),
  },
  { weight: 1, arbitrary: oneKey.map((key) => ({ kind: 'exit' as const, keys: [key] })) },
);

/** What a tracer says first: its process, two threads and a task are spawned and get ready (times random). */
const preamble: fc.Arbitrary<Step[]> = fc
  .array(fc.integer({ min: 0, max: 3000 }), { minLength: 8, maxLength: 8 })
  .map(([a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0]) => {
    const spawn = (kind: string, parent: string | null, keys: string[], pid: number | null, tsUs: number) => ({
      t: 'spawn',
      parent,
      kind,
      lanes: keys.map((key) => ({ key, name: key, detail: null })),
      pid,
      tsUs,
    });
    const ready = (lane: string, pid: number, tid: number, tsUs: number) => ({
      t: 'ready',
      lane,
      pid,
      tid,
      cpuUs: 10,
      tsUs,
    });
    const records = [
      spawn('process', null, ['p1'], 1, a),
      ready('p1', 1, 1, a + b),
      spawn('thread', 'p1', ['p1t1', 'p1t2'], null, a + c),
      ready('p1t1', 1, 11, a + c + d),
      ready('p1t2', 1, 12, a + c + e),
      spawn('task', 'p1', ['p1a1'], null, a + f),
      spawn('process', 'p1', ['p2'], 2, a + g),
      ready('p2', 2, 2, a + g + h),
    ];
    return records.map((value) => ({ kind: 'record' as const, value }));
  });

/** A traced script's source, played from a list of steps: as PythonSource does, but without Python. */
class ScriptedSource implements RunSource {
  readonly runtime = 'python';
  readonly python = { gil: true, sampled: true };
  readonly sampled = true;
  /** Every record the merger made. */
  readonly merged: TracerRecord[] = [];

  constructor(private readonly steps: readonly Step[]) {}

  allows(key: string): boolean {
    return LANE_KEY.test(key);
  }

  async start(sink: RunSink): Promise<void> {
    // Some time on the run's clock, so records' stamps are not all clamped to its start.
    await new Promise((r) => setTimeout(r, 10));
    const merger = new Merger((record) => {
      this.merged.push(record);
      sink.accept(record);
    });
    for (const s of this.steps) {
      if (s.kind === 'os') merger.os(s.segments);
      else if (s.kind === 'advance') merger.advance(s.watermarkUs);
      else if (s.kind === 'exit') {
        merger.flush();
        sink.exitLanes(s.keys, { code: 0, signal: null });
      } else {
        let record: TracerRecord;
        try {
          record = validateTracerRecord(s.value);
        } catch (err) {
          sink.warn(`ignored a bad record from the tracer: ${(err as Error).message}`);
          continue;
        }
        if (record.t === 'spawn') {
          for (const lane of record.lanes) if (record.kind !== 'task') merger.track(lane.key);
          sink.accept(record);
        } else merger.record(record);
      }
    }
    merger.flush();
    sink.exitLanes(KEYS, { code: 0, signal: null });
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  samplingHz(): number {
    return 1000;
  }
}

/** Every number in a value, with where it is. */
function numbers(value: unknown, where: string, out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number') out.push([where, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${where}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) numbers(v, `${where}.${k}`, out);
  }
  return out;
}

describe(
  'random tracer records through the validator, the merger, the run and the exporter',
  { timeout: 60_000 },
  () => {
    test('the run ends with sound spans, a summary without NaN and a well-formed trace', async () => {
      await fc.assert(
        fc.asyncProperty(preamble, fc.array(step, { maxLength: 150, size: 'max' }), async (first, rest) => {
          const steps = [...first, ...rest];
          const source = new ScriptedSource(steps);
          const run = new Run({
            runId: 'fuzz' as RunId,
            scenario: {
              id: 'script' as ScenarioId,
              title: 'fuzz.py',
              summary: '',
              section: 5,
              explanation: '',
              lesson: '',
              runtime: 'python',
              params: [],
            },
            params: {},
            source,
            cores: 2,
            flushMs: 1,
            stopGraceMs: 10,
            onBatch: () => undefined,
          });
          run.start();
          const summary = await run.finished;

          // What the merger made is what a tracer could have sent.
          for (const record of source.merged) expect(() => validateTracerRecord(record)).not.toThrow();

          const console = run.events.flatMap((e) => (e.type === 'console' ? [e.text] : []));
          expect(console.filter((line) => /could not be worked out|ended without/.test(line))).toEqual([]);
          for (const [where, n] of numbers(summary, 'summary')) expect(Number.isFinite(n), where).toBe(true);

          const timeline = buildTimeline(run.events);
          const byLane = new Map<number, { startUs: number; endUs: number }[]>();
          for (const span of timeline.spans) {
            expect(Number.isFinite(span.startUs) && Number.isFinite(span.endUs)).toBe(true);
            expect(span.endUs).toBeGreaterThanOrEqual(span.startUs);
            expect(span.startUs).toBeGreaterThanOrEqual(0);
            expect(span.endUs).toBeLessThanOrEqual(timeline.endUs);
            const spans = byLane.get(span.laneId) ?? [];
            spans.push(span);
            byLane.set(span.laneId, spans);
          }
          for (const spans of byLane.values()) {
            for (let i = 1; i < spans.length; i++) {
              expect(spans[i]?.startUs).toBeGreaterThanOrEqual(spans[i - 1]?.endUs ?? 0);
            }
          }

          const trace = JSON.parse(JSON.stringify(toChromeTrace(run.model!, summary, 1, 'fuzz'))) as {
            traceEvents: { ph: string; pid: unknown; tid: unknown; ts?: unknown; dur?: unknown }[];
          };
          for (const event of trace.traceEvents) {
            expect(['M', 'X', 'i', 's', 'f']).toContain(event.ph);
            expect(Number.isInteger(event.pid) && Number.isInteger(event.tid)).toBe(true);
            if (event.ph !== 'M') expect(typeof event.ts === 'number' && event.ts >= 0).toBe(true);
            if (event.ph === 'X') expect(typeof event.dur === 'number' && event.dur >= 0).toBe(true);
          }
        }),
        { numRuns: 200 },
      );
    });
  },
);
