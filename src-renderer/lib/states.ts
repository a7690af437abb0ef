import type { SpanState } from '@protocol/events';

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
];

const INDEX = new Map<SpanState, number>(STATE_STYLES.map((s, i) => [s.state, i]));

/** The state's index in STATE_STYLES (what the model stores per span). */
export function stateIndex(state: SpanState): number {
  const i = INDEX.get(state);
  if (i === undefined) throw new Error(`unknown state ${state}`);
  return i;
}

/** Colours by state index, for the draw functions. */
export const STATE_COLORS: readonly string[] = STATE_STYLES.map((s) => s.color);

/** Indices of the states that execute on a CPU. */
export const EXECUTING_INDICES: ReadonlySet<number> = new Set([stateIndex('running'), stateIndex('blocking')]);
