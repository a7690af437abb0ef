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
