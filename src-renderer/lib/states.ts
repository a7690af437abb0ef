import { SPAN_STATES, type SpanState } from '@protocol/events';
import { stateIndex } from '@shared/span-store';

export { stateIndex };

/** How each state looks and what it means, for the legend, the chart and the kitchen. */
export interface StateStyle {
  readonly state: SpanState;
  readonly label: string;
  readonly color: string;
  /** Text drawn on the colour: white on the dark ones, near-black on the light ones (WCAG AA). */
  readonly ink: string;
  readonly meaning: string;
  /**
   * A pattern or outline on top of the colour, so the pairs that sit side by side in lessons differ
   * without colour and without lightness too: running is plain and GIL wait dotted, waiting plain and
   * blocked striped, starting outlined and running plain.
   */
  readonly mark: StateMark;
}

/** How a state is marked besides its colour. */
export type StateMark = 'plain' | 'dots' | 'stripes' | 'outline';

/**
 * Okabe–Ito hues, at lightness steps (CIELAB L*) that keep the states that sit side by side in lessons
 * apart without colour: running is dark and waiting for the GIL light; waiting is light and blocked
 * dark; starting is light and running dark (tests/renderer/states.test.ts checks the steps). Told apart
 * in greyscale, with the common colour-vision deficiencies and on a washed-out projector. The order is
 * the index stored in the model.
 */
export const STATE_STYLES: readonly StateStyle[] = [
  {
    state: 'starting',
    label: 'starting',
    color: '#c2c2c2',
    ink: '#1d1d1f',
    meaning: 'start-up cost until ready',
    mark: 'outline',
  },
  {
    state: 'running',
    label: 'running',
    color: '#00805c',
    ink: '#ffffff',
    meaning: 'executing its own work on a CPU',
    mark: 'plain',
  },
  {
    state: 'waiting',
    label: 'waiting',
    color: '#8ecdf2',
    ink: '#1d1d1f',
    meaning: 'sleep, I/O or await: needs no CPU',
    mark: 'plain',
  },
  {
    state: 'blocked',
    label: 'blocked',
    color: '#b07a00',
    ink: '#1d1d1f',
    meaning: 'ready, but held back by a lock, a join or a busy cook',
    mark: 'stripes',
  },
  {
    state: 'gil-wait',
    label: 'GIL wait',
    color: '#e8a6cc',
    ink: '#1d1d1f',
    meaning: 'a Python thread waiting for the GIL',
    mark: 'dots',
  },
  {
    state: 'blocking',
    label: 'blocking',
    color: '#a8420a',
    ink: '#ffffff',
    meaning: 'holding the event loop without yielding',
    mark: 'plain',
  },
  {
    state: 'slice',
    label: 'in a slice',
    color: '#5a6b8c',
    ink: '#ffffff',
    meaning: 'an imported slice: the file does not say if it ran or waited',
    mark: 'plain',
  },
];

// The model stores a state as its index in SPAN_STATES: the styles must be in that order.
STATE_STYLES.forEach((s, i) => {
  if (SPAN_STATES[i] !== s.state) throw new Error(`STATE_STYLES[${i}] is ${s.state}, not ${SPAN_STATES[i]}`);
});

/** Colours by state index, for the draw functions. */
export const STATE_COLORS: readonly string[] = STATE_STYLES.map((s) => s.color);

/** Indices of the states that execute on a CPU. */
export const EXECUTING_INDICES: ReadonlySet<number> = new Set([stateIndex('running'), stateIndex('blocking')]);

/** Indices of the states drawn with an outline. */
export const OUTLINED_INDICES: ReadonlySet<number> = new Set(
  STATE_STYLES.flatMap((s, i) => (s.mark === 'outline' ? [i] : [])),
);

/** A legend swatch's CSS background for a state: its colour, and its pattern where it has one. */
export function swatchBackground(style: StateStyle): string {
  if (style.mark === 'dots')
    return `radial-gradient(circle, rgba(29, 29, 31, 0.6) 1.3px, transparent 1.6px) 0 0 / 6px 6px, ${style.color}`;
  if (style.mark === 'stripes')
    return `repeating-linear-gradient(180deg, rgba(255, 255, 255, 0.55) 0 2px, transparent 2px 6px), ${style.color}`;
  return style.color;
}
