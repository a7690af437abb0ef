import { EXECUTING_INDICES, OUTLINED_INDICES, STATE_COLORS, STATE_STYLES } from '../lib/states';
import { dotsPattern, hatchPattern, stripesPattern, type Paint, type SpanStyle } from './draw';

/** The chart's colours that follow the theme, read from the page's (styles.css). */
export function themePaint(): Paint {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    ink: v('--ink', '#1d1d1f'),
    paper: v('--panel', '#ffffff'),
    grid: v('--grid', 'rgba(29, 29, 31, 0.08)'),
    band: v('--band', 'rgba(29, 29, 31, 0.05)'),
  };
}

/** How the canvas draws spans: the states' colours and marks, the shared-core hatching, the theme's paint. */
export function chartStyle(ctx: CanvasRenderingContext2D): SpanStyle {
  const dots = dotsPattern(ctx);
  const stripes = stripesPattern(ctx);
  return {
    colors: STATE_COLORS,
    executing: EXECUTING_INDICES,
    shared: hatchPattern(ctx),
    marks: STATE_STYLES.map((st) => (st.mark === 'dots' ? dots : st.mark === 'stripes' ? stripes : null)),
    outlined: OUTLINED_INDICES,
    paint: themePaint(),
  };
}
