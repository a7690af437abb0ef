/**
 * `kitchen`: the engine on the command line. Lists scenarios, runs one
 * headless with live output, prints its summary and writes a Chrome trace.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command as Program } from 'commander';
import { APP } from '../app-info';
import { Engine, EngineStateError } from '../engine/engine';
import type { EngineEvent, LaneInfo } from '../protocol/events';
import { ValidationError } from '../protocol/validate';
import { formatSummary, formatUs } from './format';
import { parseParam } from './params';

/** Exit codes: 0 completed, 1 the run failed, 2 bad usage, 130 interrupted. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

function engine(): Engine {
  return new Engine({ entry: join(import.meta.dirname, 'workload.js'), transport: 'browser', version: APP.version });
}

function printEvent(event: EngineEvent, lanes: Map<number, LaneInfo>): void {
  const name = (id: number) => lanes.get(id)?.name ?? `lane ${id}`;
  switch (event.type) {
    case 'lane-added':
      lanes.set(event.lane.laneId, event.lane);
      return;
    case 'output': {
      const line = `${formatUs(event.tsUs).padStart(9)}  ${name(event.laneId)} │ ${event.text}`;
      if (event.stream === 'stderr') process.stderr.write(line + '\n');
      else process.stdout.write(line + '\n');
      return;
    }
    case 'lane-ended': {
      const o = event.outcome;
      if (o.kind === 'error')
        process.stderr.write(`${formatUs(event.tsUs).padStart(9)}  ${name(event.laneId)} failed: ${o.message}\n`);
      return;
    }
    default:
      return;
  }
}

async function runCommand(
  scenarioId: string,
  options: { param: Record<string, number>; out?: string },
): Promise<number> {
  const kitchen = engine();
  const lanes = new Map<number, LaneInfo>();
  kitchen.onBatch((batch) => {
    for (const event of batch.events) printEvent(event, lanes);
  });
  const run = kitchen.start(scenarioId, options.param);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    process.stderr.write('\nStopping: ending every thread and process of the run…\n');
    void run.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const summary = await run.finished;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const ended = run.events.findLast((e) => e.type === 'run-ended');
  const reason = ended?.type === 'run-ended' ? ended.reason : 'failed';
  const message = ended?.type === 'run-ended' ? ended.message : null;
  process.stdout.write(`\n${formatSummary(scenarioId, reason, message, summary)}\n`);
  if (options.out) {
    const trace = kitchen.exportTrace(run.runId);
    const path = resolve(options.out);
    writeFileSync(path, trace.json);
    process.stdout.write(`\nTrace written to ${path}: open it in the Perfetto UI or chrome://tracing.\n`);
  }
  if (interrupted) return EXIT.interrupted;
  return reason === 'completed' ? EXIT.ok : EXIT.failed;
}

/** The command-line program. */
function program(): Program {
  const cli = new Program('kitchen')
    .description(`${APP.name}: run real concurrent workloads and trace what they did.`)
    .version(APP.version)
    .showHelpAfterError();
  cli
    .command('scenarios')
    .description('list the scenarios you can run')
    .action(() => {
      for (const s of engine().scenarios()) {
        process.stdout.write(`${s.id.padEnd(18)} ${s.summary}\n`);
        const params = s.params.map((p) => `${p.key}=${p.default}`).join(' ');
        process.stdout.write(`${''.padEnd(18)} params: ${params}\n`);
      }
    });
  cli
    .command('run')
    .description('run a scenario headless, print its summary and optionally write a Chrome trace')
    .argument('<scenario>', 'a scenario id (see `kitchen scenarios`)')
    .option('-p, --param <key=value>', 'set a parameter (repeatable)', parseParam, {})
    .option('-o, --out <file>', 'write a Chrome Trace Event JSON file')
    .action(async (scenarioId: string, options: { param: Record<string, number>; out?: string }) => {
      process.exitCode = await runCommand(scenarioId, options);
    });
  return cli;
}

async function main(): Promise<void> {
  // `kitchen scenarios | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await program().parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof EngineStateError) {
      process.stderr.write(`kitchen: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    throw err;
  }
}

void main();
