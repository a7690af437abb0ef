import type { ScenarioId } from './ids';
import { ValidationError, field } from './validate';

/** One editable number of a scenario, with its bounds. */
export interface ParamSpec {
  readonly key: string;
  readonly label: string;
  /** Shown after the value: `tasks`, `M ops`, `ms`. */
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly default: number;
  readonly help: string;
}

/** Parameter values by key, always complete and within bounds once validated. */
export type ParamValues = Readonly<Record<string, number>>;

/** The notebook's five sections, in its order: lessons are grouped under them. */
export const NOTEBOOK_SECTIONS = [
  'Concurrency vs. Parallelism',
  'Multithreading',
  'Multiprocessing',
  'Asynchronous Programming',
  'Choosing the Right Concurrency Model',
] as const;

/** A section's number, 1 to 5. */
export type SectionNumber = 1 | 2 | 3 | 4 | 5;

/** Section 5's model matrix: the workloads and the models, in the grid's order. */
export const MATRIX_WORKLOADS = ['io', 'cpu'] as const;
export const MATRIX_MODELS = ['sequential', 'threads', 'asyncio', 'processes'] as const;
export type MatrixWorkload = (typeof MATRIX_WORKLOADS)[number];
export type MatrixModel = (typeof MATRIX_MODELS)[number];

/** The scenario id of one cell of the model matrix. */
export const matrixCellId = (workload: MatrixWorkload, model: MatrixModel): string => `matrix-${workload}-${model}`;

/** A file of a lesson's code, as it runs: a Python lesson's script, a Node lesson's workload. */
export interface CodeFile {
  readonly name: string;
  readonly language: 'python' | 'workload';
  readonly text: string;
}

/** What the UI and the CLI show of a scenario. */
export interface ScenarioInfo {
  readonly id: ScenarioId;
  readonly title: string;
  /** One line, for `kitchen scenarios` and the picker. */
  readonly summary: string;
  /** The notebook section it teaches. */
  readonly section: SectionNumber;
  /** What it shows, in 2 to 4 sentences. */
  readonly explanation: string;
  /** A short paragraph that says what to look for in the chart. */
  readonly lesson: string;
  /** What runs it: the engine's Node workloads, or Python scripts under the tracer. */
  readonly runtime: 'node' | 'python';
  readonly params: readonly ParamSpec[];
  /** The code it runs, as the Code region shows it: in the engine's hello (not in every run's events). */
  readonly code?: readonly CodeFile[];
  /** A cell of the model matrix: which workload on which model. */
  readonly matrix?: { readonly workload: MatrixWorkload; readonly model: MatrixModel };
}

/**
 * The one bounds rule of a parameter: what is wrong with `value` for `spec` (a sentence to show
 * beside the field), or null when it is allowed. The engine, the CLI and the UI all ask this.
 */
export function paramProblem(spec: ParamSpec, value: unknown): string | null {
  const whole = Number.isInteger(spec.step);
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= spec.min &&
    value <= spec.max &&
    (!whole || Number.isInteger(value));
  if (ok) return null;
  return `${spec.label} must be a ${whole ? 'whole ' : ''}number from ${spec.min} to ${spec.max}`;
}

/**
 * Fills defaults and checks every value against its spec: unknown keys,
 * values out of bounds and fractions where steps are whole are errors.
 */
export function resolveParams(
  specs: readonly ParamSpec[],
  raw: Readonly<Record<string, number>>,
  where = 'params',
): ParamValues {
  for (const key of Object.keys(raw)) {
    if (!specs.some((s) => s.key === key)) {
      const known = specs.map((s) => s.key).join(', ') || 'none';
      throw new ValidationError(field(where, key), `unknown parameter (known: ${known})`);
    }
  }
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const value = raw[spec.key] ?? spec.default;
    const problem = paramProblem(spec, value);
    if (problem !== null) {
      const got = typeof value === 'number' ? String(value) : JSON.stringify(value);
      throw new ValidationError(`${where}.${spec.key}`, `${problem}, got ${got}`);
    }
    out[spec.key] = value;
  }
  return out;
}
