import type { ScenarioInfo } from '@protocol/scenarios';
import { withSpeedups, type MatrixCell } from '@shared/matrix';
import type { RunModel } from '@shared/run-model';

/** The model matrix's cells that have completed a run, with their speedups (what the grid and the reveal read). */
export function measuredMatrix(
  cells: readonly ScenarioInfo[],
  latest: Readonly<Record<string, RunModel>>,
): MatrixCell[] {
  return withSpeedups(
    cells.flatMap((c) => {
      const end = latest[c.id]?.end;
      return c.matrix && end?.reason === 'completed'
        ? [{ workload: c.matrix.workload, model: c.matrix.model, wallMs: end.summary.wallUs / 1000 }]
        : [];
    }),
  );
}
