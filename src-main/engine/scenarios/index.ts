import { MATRIX_CELLS } from './matrix';
import { chefConcurrent, chefParallel, nodeAsync, nodeProcesses, nodeThreads } from './node-lessons';
import {
  pyAsyncBlocking,
  pyAsyncio,
  pyJupyterLoop,
  pyMultiprocessing,
  pyProcessesCpu,
  pyThreading,
  pyThreadsCpu,
  pyThreadsIo,
} from './python-lessons';
import type { Scenario } from './define';

export type { Scenario, ScenarioContext } from './define';

/** Every scenario, in the notebook's order: its five sections, then the model matrix's cells. */
export const SCENARIOS: readonly Scenario[] = [
  // 1. Concurrency vs. Parallelism
  chefConcurrent,
  chefParallel,
  // 2. Multithreading
  pyThreading,
  nodeThreads,
  pyThreadsIo,
  pyThreadsCpu,
  // 3. Multiprocessing
  pyMultiprocessing,
  nodeProcesses,
  pyProcessesCpu,
  // 4. Asynchronous Programming
  pyAsyncio,
  nodeAsync,
  pyAsyncBlocking,
  pyJupyterLoop,
  // 5. Choosing the Right Concurrency Model
  ...MATRIX_CELLS,
];
