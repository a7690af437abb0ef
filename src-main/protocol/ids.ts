/** A run started by the engine; unique for the engine's lifetime. */
export type RunId = string & { readonly __brand: 'RunId' };

/** A lane (one row of the timeline) inside a run: a dense index from 0. */
export type LaneId = number & { readonly __brand: 'LaneId' };

/** A scenario identifier such as `chef-concurrent`; part of the CLI contract. */
export type ScenarioId = string & { readonly __brand: 'ScenarioId' };
