import { SPAN_STATES, type SpanState } from '@protocol/events';
import { stateIndex } from '@shared/span-store';

export { stateIndex };

/** How each state looks and what it means, for the legend, the chart and the kitchen. */
export interface StateStyle {
  readonly state: SpanState;
  readonly label: string;
  readonly color: string;
  readonly meaning: string;
}

/**
 * Okabe–Ito colours: told apart with the common colour-vision deficiencies
 * and on a washed-out projector. The order is the index stored in the model.
 */
export const STATE_STYLES: readonly StateStyle[] = [
  {
    state: 'starting',
    label: 'starting',
    color: '#8a8a8a',
    meaning: 'start-up cost until ready',
  },
  {
    state: 'running',
    label: 'running',
    color: '#009e73',
    meaning: 'executing its own work on a CPU',
  },
  {
    state: 'waiting',
    label: 'waiting',
    color: '#56b4e9',
    meaning: 'sleep, I/O or await: needs no CPU',
  },
  {
    state: 'blocked',
    label: 'blocked',
    color: '#e69f00',
    meaning: 'ready, but held back by a lock, a join or a busy cook',
  },
  {
    state: 'gil-wait',
    label: 'GIL wait',
    color: '#cc79a7',
    meaning: 'a Python thread waiting for the GIL',
  },
  {
    state: 'blocking',
    label: 'blocking',
    color: '#d55e00',
    meaning: 'holding the event loop without yielding',
  },
  {
    state: 'slice',
    label: 'in a slice',
    color: '#5a6b8c',
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
