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
}

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
  },
  {
    state: 'running',
    label: 'running',
    color: '#00805c',
    ink: '#ffffff',
    meaning: 'executing its own work on a CPU',
  },
  {
    state: 'waiting',
    label: 'waiting',
    color: '#8ecdf2',
    ink: '#1d1d1f',
    meaning: 'sleep, I/O or await: needs no CPU',
  },
  {
    state: 'blocked',
    label: 'blocked',
    color: '#b07a00',
    ink: '#1d1d1f',
    meaning: 'ready, but held back by a lock, a join or a busy cook',
  },
  {
    state: 'gil-wait',
    label: 'GIL wait',
    color: '#e8a6cc',
    ink: '#1d1d1f',
    meaning: 'a Python thread waiting for the GIL',
  },
  {
    state: 'blocking',
    label: 'blocking',
    color: '#a8420a',
    ink: '#ffffff',
    meaning: 'holding the event loop without yielding',
  },
  {
    state: 'slice',
    label: 'in a slice',
    color: '#5a6b8c',
    ink: '#ffffff',
    meaning: 'an imported slice: the file does not say if it ran or waited',
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
