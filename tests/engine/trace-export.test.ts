import { describe, expect, test } from 'vitest';
import { SPAN_STATES } from '../../src-main/protocol/events';
import { makeEngine } from './helpers';

describe('Chrome trace export', () => {
  test('names every process and lane, and writes spans with states, printed lines and exits', async () => {
    const engine = makeEngine();
    const run = await engine.start('node-processes', { tasks: 2, work: 20, waitMs: 50 });
    await run.finished;
    const trace = JSON.parse(engine.exportTrace(run.runId).json);
    const events: {
      ph: string;
      name: string;
      pid: number;
      tid: number;
      ts?: number;
      dur?: number;
      args: Record<string, unknown>;
    }[] = trace.traceEvents;

    const lanePids = run.events.flatMap((e) => (e.type === 'lane-ready' ? [e.pid] : []));
    expect(new Set(lanePids).size).toBe(3);
    const processNames = events.filter((e) => e.ph === 'M' && e.name === 'process_name');
    for (const pid of lanePids) expect(processNames.some((e) => e.pid === pid)).toBe(true);
    const threadNames = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name);
    expect(threadNames).toEqual(['Main process', 'Process 1', 'Process 2']);

    const spans = events.filter((e) => e.ph === 'X');
    expect(spans.length).toBeGreaterThan(6);
    for (const span of spans) {
      expect(SPAN_STATES).toContain(span.args.state);
      expect(span.ts).toBeGreaterThanOrEqual(0);
      expect(span.dur).toBeGreaterThan(0);
      expect(lanePids).toContain(span.pid);
    }
    const printed = events.filter((e) => e.ph === 'i' && e.args.stream === 'stdout').map((e) => e.args.text);
    expect(printed).toEqual(
      expect.arrayContaining(['Task 1 is running', 'Task 2 is complete', 'Main: all processes joined']),
    );
    expect(events.filter((e) => e.ph === 'i' && e.args.outcome === 'exited')).toHaveLength(3);
    expect(trace.otherData.scenarioId).toBe('node-processes');
    expect(trace.otherData.summary.peakAlive).toBe(3);
  });
});
