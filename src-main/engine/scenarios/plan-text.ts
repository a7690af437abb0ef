import type { ExecutorSpec, Plan, Step } from '../node/plan';

/** One step as a line of the workload: what the lane really does. */
function stepLine(step: Step): string {
  switch (step.op) {
    case 'print':
      return `print(${JSON.stringify(step.text)})`;
    case 'cpu':
      return `compute ${step.mops} M hash rounds   // ${step.label}${step.holdsLoop ? ', never awaits: holds the loop' : ''}`;
    case 'sleep':
      return `sleep ${step.ms} ms   // ${step.label}`;
    case 'timer':
      return `start timer "${step.name}" (${step.ms} ms)`;
    case 'await-timer':
      return `await timer "${step.name}"   // ${step.label}`;
    case 'yield':
      return `yield to the loop   // ${step.label}`;
    case 'locked':
      return `with sharedLock: compute ${step.mops} M hash rounds   // ${step.label}`;
    case 'join':
      return `join()   // ${step.label}`;
    case 'spawn': {
      const n = step.executors.length;
      const process = step.executors[0]?.kind === 'process';
      return `start ${n} ${process ? (n === 1 ? 'process' : 'processes') : n === 1 ? 'thread' : 'threads'}:`;
    }
  }
}

const KIND: Record<ExecutorSpec['kind'], string> = {
  thread: 'worker thread',
  process: 'child process',
  loop: 'event loop (one thread)',
};

function executorLines(executor: ExecutorSpec, indent: string, out: string[]): void {
  if (executor.kind === 'loop') {
    out.push(`${indent}${KIND.loop}, ${executor.lanes.length} async tasks:`);
    indent += '  ';
  }
  for (const lane of executor.lanes) {
    out.push(`${indent}${executor.kind === 'loop' ? 'task' : KIND[executor.kind]} "${lane.name}":`);
    for (const step of lane.steps) {
      out.push(`${indent}  ${stepLine(step)}`);
      if (step.op === 'spawn') for (const child of step.executors) executorLines(child, `${indent}    `, out);
    }
  }
}

/** A Node lesson's plan as the Code region shows it: every lane and every step it really takes. */
export function planText(plan: Plan): string {
  const out: string[] = [];
  for (const executor of plan.executors) executorLines(executor, '', out);
  return out.join('\n') + '\n';
}
