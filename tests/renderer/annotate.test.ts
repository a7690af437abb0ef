import { describe, expect, test } from 'vitest';
import { placeLabels } from '../../src-renderer/gantt/annotate';

const measure = (t: string) => t.length * 7;
const at = (pointPx: number, barTopPx = 10, text = 'GIL handed over') => ({ text, pointPx, barTopPx, barHeightPx: 24 });

describe('annotation labels on the chart', () => {
  test('sit right of the instant they point at, or left of it at the chart’s right edge', () => {
    const [right] = placeLabels([at(100)], 800, measure, 400);
    expect(right.boxX).toBeGreaterThan(100);
    const [left] = placeLabels([at(790)], 800, measure, 400);
    expect(left.boxX + left.boxW).toBeLessThan(790);
    expect(left.boxX).toBeGreaterThanOrEqual(0);
  });

  test('never cover each other on one bar; other bars and off-chart instants are left alone', () => {
    const placed = placeLabels([at(100), at(120), at(100, 50), at(-5), at(900)], 800, measure, 400);
    expect(placed.map((p) => [p.pointPx, p.barTopPx])).toEqual([
      [100, 10],
      [100, 50],
    ]);
    for (const a of placed)
      for (const b of placed)
        if (a !== b && a.boxY === b.boxY) expect(a.boxX + a.boxW <= b.boxX || b.boxX + b.boxW <= a.boxX).toBe(true);
  });
});
