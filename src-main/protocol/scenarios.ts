import type { ScenarioId } from './ids';
import { ValidationError, field, finite, integer } from './validate';

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

/** What the UI and the CLI show of a scenario. */
export interface ScenarioInfo {
  readonly id: ScenarioId;
  readonly title: string;
  /** One line, for `kitchen scenarios` and the picker. */
  readonly summary: string;
  /** A short paragraph that says what to look for in the chart. */
  readonly lesson: string;
  /** What runs it: the engine's Node workloads, or Python scripts under the tracer. */
  readonly runtime: 'node' | 'python';
  readonly params: readonly ParamSpec[];
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
    const at = `${where}.${spec.key}`;
    out[spec.key] = Number.isInteger(spec.step)
      ? integer(value, at, spec.min, spec.max)
      : finite(value, at, spec.min, spec.max);
  }
  return out;
}
