import { describe, expect, test } from 'vitest';
import { bestOf, recommendation, withSpeedups } from '../../src-shared/matrix';
import { MATRIX_MODELS, type MatrixModel } from '../../src-main/protocol/scenarios';

const row = (workload: 'io' | 'cpu', walls: number[]) =>
  walls.map((wallMs, i) => ({ workload, model: MATRIX_MODELS[i] as MatrixModel, wallMs }));

describe('the model matrix, from measured wall times', () => {
  test('speedups are against the sequential cell of the same row; the best is the fastest', () => {
    const cells = withSpeedups([...row('io', [2400, 310, 300, 1200]), ...row('cpu', [1800, 1900, 1850, 950])]);
    expect(cells.find((c) => c.workload === 'io' && c.model === 'asyncio')?.speedup).toBe(8);
    expect(cells.find((c) => c.workload === 'cpu' && c.model === 'processes')?.speedup).toBeCloseTo(1.89, 2);
    expect(bestOf(cells, 'io')).toBe('asyncio');
    expect(bestOf(cells, 'cpu')).toBe('processes');
  });

  test('the recommendation says what was measured, on how many cores', () => {
    const cells = withSpeedups([...row('io', [2400, 310, 300, 1200]), ...row('cpu', [1800, 1900, 1850, 950])]);
    expect(recommendation(cells, 2)).toBe(
      'On this 2-core machine, for downloads threads and asyncio were 7.7× faster than one after another ' +
        '(processes 2.0×); for arithmetic only processes helped, 1.9×.',
    );
    // On one core, processes gain nothing for arithmetic either, and the sentence says so.
    const oneCore = withSpeedups([...row('io', [2400, 310, 300, 2400]), ...row('cpu', [1800, 1900, 1850, 1900])]);
    expect(recommendation(oneCore, 1)).toBe(
      'On this 1-core machine, for downloads threads and asyncio were 7.7× faster than one after another; ' +
        'for arithmetic no model was faster than one after another.',
    );
  });

  test('nothing is recommended, nor marked best, before a row is complete', () => {
    const cells = withSpeedups([...row('io', [2400, 310, 300, 1200]), ...row('cpu', [1800, 1900])]);
    expect(bestOf(cells, 'cpu')).toBeNull();
    expect(recommendation(cells, 2)).toBeNull();
    expect(withSpeedups(row('io', [0, 300]).slice(1))[0].speedup).toBeNull();
  });
});
