import {
  MATRIX_MODELS,
  MATRIX_WORKLOADS,
  matrixCellId,
  type MatrixModel,
  type MatrixWorkload,
} from '../../protocol/scenarios';
import { id, param, python, SERVER_DELAY, type Scenario } from './define';

/** Section 5's model matrix: two workloads, four models, every cell a real Python run of `matrix.py`. */

const jobs = (noun: string, help: string) =>
  param({ key: 'jobs', label: noun[0].toUpperCase() + noun.slice(1), unit: noun, min: 1, max: 32, value: 8, help });

const IO_PARAMS = [jobs('pages', 'How many pages are downloaded.'), SERVER_DELAY];
const CPU_PARAMS = [
  jobs('ranges', 'How many ranges of numbers are searched for primes.'),
  param({
    key: 'size',
    label: 'Numbers per range',
    unit: 'thousand',
    min: 1,
    max: 1000,
    value: 60,
    help: 'How many numbers each range holds (thousands): the work per job.',
  }),
];

const WORKLOAD_TEXT: Record<MatrixWorkload, string> = {
  io: 'download pages from a local web server (I/O-bound)',
  cpu: 'count primes in ranges of numbers (CPU-bound)',
};

const MODEL_TEXT: Record<MatrixModel, string> = {
  sequential: 'one after another',
  threads: 'on a ThreadPoolExecutor',
  asyncio: 'as asyncio tasks (gather)',
  processes: 'on a ProcessPoolExecutor',
};

function cell(workload: MatrixWorkload, model: MatrixModel): Scenario {
  const io = workload === 'io';
  return python(
    {
      id: id(matrixCellId(workload, model)),
      title: `${io ? 'Downloads' : 'Arithmetic'}: ${model}`,
      summary: `Model matrix: ${WORKLOAD_TEXT[workload]}, ${MODEL_TEXT[model]}.`,
      section: 5,
      explanation:
        'One cell of the model matrix: the same workload as every cell in its row, run with one model. ' +
        'Its wall time, against the sequential cell of its row, is its speedup.',
      lesson: io
        ? 'Downloads wait on the network: any model that lets the waits overlap finishes in about one server delay per round.'
        : 'Arithmetic never waits: only models that run on more than one core at once can finish sooner.',
      params: io ? IO_PARAMS : CPU_PARAMS,
      matrix: { workload, model },
    },
    {
      script: 'matrix.py',
      args: (p, run) => [
        '--workload',
        workload,
        '--model',
        model,
        '--jobs',
        String(p.jobs),
        ...(io ? ['--url', run.url] : ['--size', String(p.size * 1000)]),
      ],
      pages: io ? (p) => p.delayMs : undefined,
    },
  );
}

/** The eight cells, row by row. */
export const MATRIX_CELLS: readonly Scenario[] = MATRIX_WORKLOADS.flatMap((w) => MATRIX_MODELS.map((m) => cell(w, m)));
