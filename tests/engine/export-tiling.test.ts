import { describe, expect, test } from 'vitest';
import { SCENARIOS } from '../../src-main/engine/scenarios/index';
import { toChromeTrace, roundUs, CORES_PID } from '../../src-shared/trace-export';
import { importChromeTrace } from '../../src-shared/trace-import/index';
import { SPAN_STATES } from '../../src-main/protocol/events';
import type { RunModel } from '../../src-shared/run-model';
import { makeEngine, runToEnd } from './helpers';

/** Small, quick parameters for each scenario. */
const QUICK: Record<string, Record<string, number>> = {
  'chef-concurrent': { chop: 40, boilMs: 80, finish: 10 },
  'chef-parallel': { chop: 40, boilMs: 80, finish: 10 },
  'node-threads': { work: 30, waitMs: 40, locked: 10 },
  'node-processes': { work: 30, waitMs: 40 },
  'node-async': { waitMs: 60, block: 20 },
  'py-threading': { waitMs: 50 },
  'py-multiprocessing': { waitMs: 50 },
  'py-asyncio': { waitMs: 60 },
  'py-threads-cpu': { work: 200 },
  'py-processes-cpu': { work: 200 },
  'py-threads-io': { pages: 3, delayMs: 50 },
  'py-async-blocking': { waitMs: 80 },
  'py-jupyter-loop': { waitMs: 50 },
  ...Object.fromEntries(
    ['sequential', 'threads', 'asyncio', 'processes'].flatMap((m) => [
      [`matrix-io-${m}`, { jobs: 2, delayMs: 40 }],
      [`matrix-cpu-${m}`, { jobs: 2, size: 3 }],
    ]),
  ),
};

interface X {
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur: number;
  name: string;
  args: Record<string, unknown>;
}

/**
 * On every row of the trace, sorted by start, each slice either starts at or after the previous one's
 * end, or lies wholly inside it: what viewers that rebuild begin/end pairs need to nest nothing by mistake.
 */
function tilingProblems(events: readonly X[]): string[] {
  const rows = new Map<string, X[]>();
  for (const e of events) {
    if (e.ph !== 'X') continue;
    const key = `${e.pid}:${e.tid}`;
    rows.set(key, [...(rows.get(key) ?? []), e]);
  }
  const problems: string[] = [];
  for (const [key, row] of rows) {
    row.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const open: X[] = [];
    for (const e of row) {
      while (open.length > 0 && open[open.length - 1].ts + open[open.length - 1].dur <= e.ts) open.pop();
      const parent = open.at(-1);
      if (parent && e.ts + e.dur > parent.ts + parent.dur)
        problems.push(
          `${key}: "${e.name}" [${e.ts}, ${e.ts + e.dur}] overlaps the end of "${parent.name}" at ${parent.ts + parent.dur}`,
        );
      open.push(e);
    }
  }
  return problems;
}

/** A model's rows, comparable across an export and import (times to the export's rounding). */
function rowsOf(model: RunModel): string[] {
  const s = model.spans;
  return model.inSpawnOrder().map(
    (lane) =>
      `${lane.info.name} (${lane.info.kind}): ` +
      lane.spans
        .toArray()
        .filter((i) => roundUs(s.end[i]) > roundUs(s.start[i]))
        .map(
          (i) =>
            `${SPAN_STATES[s.state[i]]}/${s.detail[i] >= 0 ? s.strings[s.detail[i]] : ''}@${roundUs(s.start[i])}-${roundUs(s.end[i])}`,
        )
        .join(' '),
  );
}

describe('Chrome trace export: spans tile on every row; the file opens again as it was', () => {
  test('ts + dur is exactly the next span’s ts, even where a float sum of lengths would not be', () => {
    const a = roundUs(0.1 + 0.2);
    const b = roundUs(1234567.123456789);
    expect(a + (b - a)).toBe(b);
    expect(roundUs(1e9 + 1 / 3) - roundUs(1e9)).toBeCloseTo(1 / 3, 3);
  });

  for (const scenario of SCENARIOS) {
    test(`${scenario.info.id}: rows tile, cores and flows are there, re-import gives the same rows`, async () => {
      const engine = makeEngine();
      const { run } = await runToEnd(engine, scenario.info.id, QUICK[scenario.info.id] ?? {});
      const text = engine.exportTrace(run.runId).json;
      const trace = JSON.parse(text) as { traceEvents: X[]; otherData: Record<string, unknown> };
      expect(tilingProblems(trace.traceEvents)).toEqual([]);
      expect(trace.otherData.summary).toMatchObject({ verdict: expect.anything() });
      // Parent → child arrows: one pair per lane something in the run started.
      const started = run.model?.order.filter((id) => run.model?.lanes[id].info.parentLaneId !== null).length ?? 0;
      expect(trace.traceEvents.filter((e) => e.ph === 's')).toHaveLength(started);
      expect(trace.traceEvents.filter((e) => e.ph === 'f')).toHaveLength(started);
      if (run.model?.sampled && run.model.coreSpans.length > 0) {
        const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.pid === CORES_PID).map((e) => e.args.name);
        expect(names).toEqual(expect.arrayContaining(['CPU cores', 'Core 0']));
        expect(trace.traceEvents.some((e) => e.ph === 'X' && e.pid === CORES_PID)).toBe(true);
      }
      const again = await importChromeTrace(
        (async function* () {
          yield text;
        })(),
        { fileName: 'export.json', yieldEveryMs: 0 },
      );
      const own = run.model as RunModel;
      expect(rowsOf(again.model)).toEqual(rowsOf(own));
      expect(again.model.title).toBe(own.title);
      expect(again.model.coreSpans.length).toBe(
        own.coreSpans.filter((c) => roundUs(c.endUs) > roundUs(c.startUs)).length,
      );
      // Exported again, the imported run writes the same rows.
      const twice = toChromeTrace(again.model, null, process.pid, 'x');
      const xs = (t: { traceEvents: readonly { ph: string }[] }) =>
        JSON.stringify(t.traceEvents.filter((e) => e.ph === 'X' && (e as X).pid !== CORES_PID));
      expect(xs(twice)).toBe(xs(trace));
    }, 30_000);
  }
});
