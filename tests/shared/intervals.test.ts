import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Intervals, overlapOf, peakAverage, peakLevel, stepsOf, sustainedLevel } from '../../src-shared/intervals';

/** Intervals on a small integer grid, so that ties (touching, equal starts) are common. */
const lists = fc.array(
  fc.array(
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 4 }))
      .map(([start, length, w]) => ({ startUs: start, endUs: start + length, weight: w / 4 })),
    { maxLength: 12 },
  ),
  { maxLength: 4 },
);

/** The level at instant t + ½ (between grid points), summed the slow way. */
function levelAt(all: { startUs: number; endUs: number; weight: number }[], t: number, unit: boolean): number {
  let sum = 0;
  for (const i of all) if (i.startUs <= t && t < i.endUs && (unit || i.weight > 0)) sum += unit ? 1 : i.weight;
  return sum;
}

describe('columnar interval arithmetic against a brute-force sum', () => {
  test('the steps give the level at every instant, weighted and counted', () => {
    fc.assert(
      fc.property(lists, fc.boolean(), (raw, unit) => {
        const steps = stepsOf(
          raw.map((l) => Intervals.from(l)),
          unit,
        );
        const all = raw.flat();
        for (let t = 0; t < 54; t++) {
          // The step in force at t + ½.
          let i = -1;
          while (i + 1 < steps.times.length && steps.times[i + 1] <= t + 0.5) i++;
          const level = i < 0 ? 0 : steps.level[i];
          expect(level).toBeCloseTo(levelAt(all, t + 0.5, unit), 9);
        }
        let peak = 0;
        for (let t = 0; t < 54; t++) peak = Math.max(peak, levelAt(all, t + 0.5, unit));
        expect(peakLevel(steps)).toBeCloseTo(peak, 9);
      }),
    );
  });

  test('sustainedLevel is the highest level held for the given length', () => {
    fc.assert(
      fc.property(lists, fc.integer({ min: 1, max: 10 }), (raw, minUs) => {
        const all = raw.flat();
        const got = sustainedLevel(
          stepsOf(
            raw.map((l) => Intervals.from(l)),
            true,
          ),
          minUs,
        );
        const open = all.some((i) => i.endUs > i.startUs);
        let best = open ? 1 : 0;
        for (let k = 2; k <= all.length; k++) {
          let run = 0;
          for (let t = 0; t < 54; t++) {
            run = levelAt(all, t + 0.5, true) >= k ? run + 1 : 0;
            if (run >= minUs) best = Math.max(best, k);
          }
        }
        expect(got).toBe(best);
      }),
    );
  });

  test('peakAverage is the best window mean of the level, and never above the peak', () => {
    fc.assert(
      fc.property(lists, fc.integer({ min: 1, max: 20 }), (raw, windowUs) => {
        const steps = stepsOf(raw.map((l) => Intervals.from(l)));
        const got = peakAverage(steps, windowUs);
        expect(got).toBeLessThanOrEqual(peakLevel(steps) + 0.01);
        const n = steps.times.length;
        if (n === 0) return void expect(got).toBe(0);
        const width = Math.min(windowUs, steps.times[n - 1] - steps.times[0]);
        if (width < 1) return;
        // On the integer grid, windows that start at a grid point include the best one.
        const all = raw.flat();
        let best = 0;
        for (let t = -width; t < 54; t++) {
          let area = 0;
          for (let u = t; u < t + width; u++) area += levelAt(all, u + 0.5, false);
          best = Math.max(best, area / width);
        }
        expect(got).toBeCloseTo(Math.round(best * 100) / 100, 9);
      }),
    );
  });

  test('merged keeps the time covered and the larger weight; overlapOf is the time both cover', () => {
    fc.assert(
      fc.property(lists, (raw) => {
        const [a = [], b = []] = raw;
        const m = Intervals.from(a).merged();
        for (let i = 1; i < m.length; i++) expect(m.start[i]).toBeGreaterThanOrEqual(m.end[i - 1]);
        let both = 0;
        for (let t = 0; t < 54; t++) {
          const inA = levelAt(a, t + 0.5, true) > 0;
          const inM = levelAt(
            Array.from({ length: m.length }, (_, i) => ({ startUs: m.start[i], endUs: m.end[i], weight: 1 })),
            t + 0.5,
            true,
          );
          expect(inM).toBe(inA ? 1 : 0);
          if (inA && levelAt(b, t + 0.5, true) > 0) both++;
        }
        expect(overlapOf(Intervals.from(a), Intervals.from(b))).toBe(both);
      }),
    );
  });

  test('a million intervals go through without an object each', () => {
    const list = new Intervals();
    for (let i = 0; i < 1_000_000; i++) list.push(i * 10, i * 10 + 15, 0.5);
    const steps = stepsOf([list.merged(), list]);
    // The merged list is one interval of weight 0.5 over everything; the raw one overlaps pairwise.
    expect(peakLevel(steps)).toBe(1.5);
    expect(sustainedLevel(stepsOf([list], true), 3)).toBe(2);
  });
});
