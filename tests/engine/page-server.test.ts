import { describe, expect, test } from 'vitest';
import { startPageServer } from '../../src-main/engine/python/page-server';
import { WithTeardown } from '../../src-main/engine/scenarios/teardown';
import type { RunSource } from '../../src-main/engine/run';

describe('the I/O lessons’ local web server', () => {
  test('answers GET /page/N after its delay, on 127.0.0.1 only, and nothing else', async () => {
    const server = await startPageServer(150);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const t0 = performance.now();
      const [a, b] = await Promise.all([fetch(`${server.url}/page/1`), fetch(`${server.url}/page/2`)]);
      const took = performance.now() - t0;
      expect(a.status).toBe(200);
      expect(await a.text()).toContain('<h1>Page 1</h1>');
      expect(await b.text()).toContain('<h1>Page 2</h1>');
      // The delay is the server's: each page waited it, and the two waited together.
      expect(took).toBeGreaterThanOrEqual(140);
      expect(server.served()).toBe(2);
      expect((await fetch(`${server.url}/etc/passwd`)).status).toBe(404);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/page/1`)).rejects.toThrow();
  });

  test('closing drops a page still waiting for its delay', async () => {
    const server = await startPageServer(5000);
    const pending = fetch(`${server.url}/page/1`).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('dropped');
  });
});

/** A source that does nothing, or fails where it is told to. */
function fake(fail: 'prepare' | 'start' | null): RunSource {
  return {
    runtime: 'python',
    python: null,
    sampled: false,
    allows: () => true,
    prepare: async () => {
      if (fail === 'prepare') throw new Error('no python');
    },
    start: async () => {
      if (fail === 'start') throw new Error('crashed');
    },
    stop: async () => undefined,
    samplingHz: () => null,
  };
}

describe('a source with a teardown (the page server goes with its run)', () => {
  for (const fail of [null, 'start', 'prepare'] as const) {
    test(`tears down once when ${fail ?? 'the run ends'}${fail ? ' fails' : ''}`, async () => {
      let ended = 0;
      const source = new WithTeardown(fake(fail), async () => {
        ended++;
      });
      const sink = {} as Parameters<RunSource['start']>[0];
      const prepared = source.prepare();
      if (fail === 'prepare') await expect(prepared).rejects.toThrow('no python');
      else {
        await prepared;
        const started = source.start(sink);
        if (fail === 'start') await expect(started).rejects.toThrow('crashed');
        else await started;
        await source.stop(10);
      }
      expect(ended).toBe(1);
    });
  }
});
