import type { Engine } from '../engine/engine';
import {
  MATRIX_MODELS,
  MATRIX_WORKLOADS,
  matrixCellId,
  type MatrixModel,
  type MatrixWorkload,
} from '../protocol/scenarios';
import { ValidationError } from '../protocol/validate';
import { bestOf, recommendation, times, withSpeedups, type MatrixCell } from '../../src-shared/matrix';
import { EXIT } from './exit';
import { checkWritable, save } from './files';

/**
 * `kitchen matrix [--param k=v] [--json FILE]`: the eight cells of the model matrix, each a real Python
 * run one after another, then the table, the recommendation and (with --json) the cells as JSON.
 */
export async function matrixCommand(
  kitchen: Engine,
  options: { param: Record<string, number>; json?: string },
): Promise<number> {
  checkWritable(options.json, '--json');
  const scenarios = kitchen.scenarios();
  const cells = MATRIX_WORKLOADS.flatMap((workload) =>
    MATRIX_MODELS.map((model) => {
      const info = scenarios.find((s) => s.id === matrixCellId(workload, model));
      if (!info) throw new Error(`no matrix cell ${workload} × ${model}`);
      return { workload, model, info };
    }),
  );
  // A parameter is given to the cells that have it; one that none has is a mistake.
  for (const key of Object.keys(options.param)) {
    if (!cells.some((c) => c.info.params.some((p) => p.key === key))) {
      const known = [...new Set(cells.flatMap((c) => c.info.params.map((p) => p.key)))].join(', ');
      throw new ValidationError(`--param ${key}`, `no cell of the matrix has this parameter (known: ${known})`);
    }
  }
  let interrupted = false;
  let current: { stop(): Promise<unknown> } | null = null;
  const onSignal = () => {
    interrupted = true;
    process.stderr.write('\nStopping the matrix: ending every thread and process of the run…\n');
    void current?.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const measured: { workload: MatrixWorkload; model: MatrixModel; wallMs: number }[] = [];
  try {
    for (const { workload, model, info } of cells) {
      if (interrupted) break;
      const params = Object.fromEntries(
        Object.entries(options.param).filter(([key]) => info.params.some((p) => p.key === key)),
      );
      process.stdout.write(`${workload.padEnd(4)} ${model.padEnd(11)} `);
      const run = await kitchen.start(info.id, params);
      current = run;
      const summary = await run.finished;
      const end = run.model?.end;
      if (end?.reason !== 'completed') {
        process.stdout.write(`${end?.reason ?? 'failed'}\n`);
        process.stderr.write(`kitchen: ${info.id} did not complete: ${end?.message ?? end?.reason ?? 'failed'}\n`);
        return interrupted ? EXIT.interrupted : EXIT.failed;
      }
      const wallMs = Math.round(summary.wallUs / 100) / 10;
      measured.push({ workload, model, wallMs });
      process.stdout.write(`${wallMs.toFixed(0).padStart(6)} ms\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (interrupted) return EXIT.interrupted;
  const result = withSpeedups(measured);
  process.stdout.write(`\n${table(result)}\n`);
  const sentence = recommendation(result, kitchen.cores);
  if (sentence) process.stdout.write(`\n${sentence}\n`);
  if (options.json) {
    const written = save(options.json, 'matrix', () => `${JSON.stringify(result, null, 2)}\n`);
    if (written) process.stdout.write(`\nCells written to ${written}\n`);
    else return EXIT.failed;
  }
  return EXIT.ok;
}

/** The grid as text: a row per workload, wall time and speedup per model, the best marked. */
function table(cells: readonly MatrixCell[]): string {
  const width = 18;
  const lines = [`${''.padEnd(10)}${MATRIX_MODELS.map((m) => m.padStart(width)).join('')}`];
  for (const workload of MATRIX_WORKLOADS) {
    const best = bestOf(cells, workload);
    const row = MATRIX_MODELS.map((model) => {
      const c = cells.find((x) => x.workload === workload && x.model === model);
      if (!c) return '—'.padStart(width);
      const text = `${c.wallMs.toFixed(0)} ms ${c.speedup === null ? '' : times(c.speedup)}${model === best ? ' *' : '  '}`;
      return text.padStart(width);
    });
    lines.push(`${(workload === 'io' ? 'downloads' : 'arithmetic').padEnd(10)}${row.join('')}`);
  }
  lines.push(`${''.padEnd(10)}(* fastest in its row; speedup against one after another)`);
  return lines.join('\n');
}
