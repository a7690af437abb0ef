import { NOTEBOOK_SECTIONS, type ScenarioInfo } from '@protocol/scenarios';
import { MATRIX, type AppState } from './app.svelte';
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

/** A lesson in the list: a scenario, or the model matrix (one entry for its eight cells). */
export interface LessonEntry {
  readonly id: string;
  readonly title: string;
  readonly runtime: 'node' | 'python';
}

/** The notebook's sections, each with its lessons; section 5's matrix cells are one entry, the matrix. */
export function lessonSections(
  scenarios: readonly ScenarioInfo[],
): { n: number; title: string; lessons: LessonEntry[] }[] {
  return NOTEBOOK_SECTIONS.map((title, i) => {
    const n = i + 1;
    const lessons: LessonEntry[] = scenarios.filter((s) => s.section === n && !s.matrix);
    if (scenarios.some((s) => s.section === n && s.matrix))
      lessons.push({
        id: MATRIX,
        title: 'Model matrix: I/O-bound and CPU-bound work on four models',
        runtime: 'python',
      });
    return { n, title, lessons };
  }).filter((s) => s.lessons.length > 0);
}

/** What a lesson list (the side panel's, or the top bar's switcher) shows and does. */
export interface LessonChoice {
  readonly scenarios: readonly ScenarioInfo[];
  readonly selected: string;
  readonly disabled: boolean;
  /** Why Python lessons cannot run, or null when they can. */
  readonly pythonProblem: string | null;
  readonly onSelect: (id: string) => void;
}

/** The app's lessons and the selected one, for either list (null before the engine said hello). */
export function lessonChoice(app: AppState): LessonChoice | null {
  return app.hello
    ? {
        scenarios: app.hello.scenarios,
        selected: app.selectedId,
        disabled: app.running,
        pythonProblem: app.python?.problem ?? null,
        onSelect: (id) => app.select(id),
      }
    : null;
}
