import { MATRIX_MODELS, MATRIX_WORKLOADS, type MatrixModel, type MatrixWorkload } from '../src-main/protocol/scenarios';

/** One measured cell of the model matrix. */
export interface MatrixCell {
  readonly workload: MatrixWorkload;
  readonly model: MatrixModel;
  /** The run's wall time, start-up and all. */
  readonly wallMs: number;
  /** The sequential cell's wall time over this one's (null until the sequential cell of its row has run). */
  readonly speedup: number | null;
}

/** Each cell's speedup against the sequential cell of its row. */
export function withSpeedups(
  measured: readonly { workload: MatrixWorkload; model: MatrixModel; wallMs: number }[],
): MatrixCell[] {
  return measured.map((c) => {
    const base = measured.find((b) => b.workload === c.workload && b.model === 'sequential');
    return { ...c, speedup: base && c.wallMs > 0 ? base.wallMs / c.wallMs : null };
  });
}

/** The fastest model of a row (null until every cell of it has run). */
export function bestOf(cells: readonly MatrixCell[], workload: MatrixWorkload): MatrixModel | null {
  const row = cells.filter((c) => c.workload === workload);
  if (row.length < MATRIX_MODELS.length) return null;
  return row.reduce((a, b) => (b.wallMs < a.wallMs ? b : a)).model;
}

/** A speedup as people say it: "7×", "1.9×". */
export const times = (x: number): string => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;

const AS_WORDS: Record<MatrixModel, string> = {
  sequential: 'one after another',
  threads: 'threads',
  asyncio: 'asyncio',
  processes: 'processes',
};

/** Models that helped (at least 1.3× the sequential cell), best first. */
function helped(cells: readonly MatrixCell[], workload: MatrixWorkload): MatrixCell[] {
  return cells
    .filter((c) => c.workload === workload && c.model !== 'sequential' && (c.speedup ?? 0) >= 1.3)
    .sort((a, b) => (b.speedup ?? 0) - (a.speedup ?? 0));
}

function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** What one row measured, in a clause: "for downloads threads and asyncio were 7.8× faster than one after another". */
function rowClause(cells: readonly MatrixCell[], workload: MatrixWorkload): string {
  const noun = workload === 'io' ? 'downloads' : 'arithmetic';
  const good = helped(cells, workload);
  if (good.length === 0) return `for ${noun} no model was faster than one after another`;
  const inOrder = (list: MatrixCell[]) =>
    [...list].sort((a, b) => MATRIX_MODELS.indexOf(a.model) - MATRIX_MODELS.indexOf(b.model));
  // Models within 15% of the best are named together, at the lower figure of the group.
  const best = good[0].speedup ?? 1;
  const group = inOrder(good.filter((c) => (c.speedup ?? 0) >= best * 0.85));
  const low = group.reduce((m, c) => Math.min(m, c.speedup ?? 1), Infinity);
  const rest = inOrder(good.filter((c) => !group.includes(c)));
  if (group.length === 1 && rest.length === 0)
    return `for ${noun} only ${AS_WORDS[group[0].model]} helped, ${times(low)}`;
  const more = rest.length > 0 ? ` (${list(rest.map((c) => `${AS_WORDS[c.model]} ${times(c.speedup ?? 1)}`))})` : '';
  const verb = group.length === 1 ? 'was' : 'were';
  return `for ${noun} ${list(group.map((c) => AS_WORDS[c.model]))} ${verb} ${times(low)} faster than one after another${more}`;
}

/**
 * The recommendation, from the measured numbers and the machine's cores: "On this 2-core machine, for
 * downloads threads and asyncio were 7.8× faster than one after another; for arithmetic only processes
 * helped, 1.9×." Null until both rows are complete.
 */
export function recommendation(cells: readonly MatrixCell[], cores: number): string | null {
  if (!MATRIX_WORKLOADS.every((w) => bestOf(cells, w) !== null)) return null;
  const io = rowClause(cells, 'io');
  const cpu = rowClause(cells, 'cpu');
  return `On this ${cores}-core machine, ${io}; ${cpu}.`;
}
