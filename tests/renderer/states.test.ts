import { lab, rgb } from 'd3-color';
import { describe, expect, test } from 'vitest';
import { STATE_STYLES } from '../../src-renderer/lib/states';
import type { SpanState } from '../../src-main/protocol/events';

const style = (state: SpanState) => STATE_STYLES.find((s) => s.state === state)!;
const lightness = (state: SpanState) => lab(style(state).color).l;

/** WCAG relative luminance and contrast ratio. */
function luminance(color: string): number {
  const { r, g, b } = rgb(color);
  const lin = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

describe('the state colours, without colour', () => {
  test('states side by side in lessons differ in lightness by at least 20 L* (greyscale, colour-blindness)', () => {
    for (const [a, b] of [
      ['running', 'gil-wait'],
      ['waiting', 'blocked'],
      ['starting', 'running'],
    ] as const) {
      expect(Math.abs(lightness(a) - lightness(b)), `${a} / ${b}`).toBeGreaterThanOrEqual(20);
    }
    // A task holding its loop and the tasks it holds back: told apart too.
    expect(Math.abs(lightness('blocking') - lightness('blocked'))).toBeGreaterThanOrEqual(10);
  });

  test('text on every state colour is readable (WCAG AA, 4.5:1)', () => {
    for (const s of STATE_STYLES) expect(contrast(s.color, s.ink), s.state).toBeGreaterThanOrEqual(4.5);
  });
});

/** Machado et al. (2009) at severity 1, on linear RGB: how the colour looks with the deficiency. */
const DEFICIENCY = {
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
} as const;

function simulate(color: string, m: readonly (readonly number[])[]): string {
  const { r, g, b } = rgb(color);
  const lin = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const srgb = (v: number) =>
    255 * Math.min(1, Math.max(0, v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055));
  const [x, y, z] = [lin(r), lin(g), lin(b)];
  const [r2, g2, b2] = m.map((row) => srgb(row[0] * x + row[1] * y + row[2] * z));
  return rgb(r2, g2, b2).formatHex();
}

describe('the state colours, for everyone', () => {
  const PAIRS = [
    ['running', 'gil-wait'],
    ['waiting', 'blocked'],
    ['starting', 'running'],
  ] as const;

  test('with deuteranopia and protanopia (simulated), the pairs still differ by 20 L* or more', () => {
    for (const [name, m] of Object.entries(DEFICIENCY))
      for (const [a, b] of PAIRS) {
        const la = lab(simulate(style(a).color, m)).l;
        const lb = lab(simulate(style(b).color, m)).l;
        expect(Math.abs(la - lb), `${name}: ${a} / ${b}`).toBeGreaterThanOrEqual(20);
      }
  });

  test('the pairs differ by pattern or outline too, not by colour alone', () => {
    for (const [a, b] of PAIRS) expect(style(a).mark, `${a} / ${b}`).not.toBe(style(b).mark);
  });
});
