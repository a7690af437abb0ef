/**
 * `kitchen`: the engine on the command line. Lists scenarios, runs one or
 * traces a Python script headless, prints output and a summary, and writes
 * a Chrome trace.
 */
import { basename } from 'node:path';
import { Command as Program, CommanderError } from 'commander';
import { APP } from '../app-info';
import { Engine, EngineStateError } from '../engine/engine';
import { stopRunsBeforeDying } from '../engine/last-resort';
import { builtLayout } from '../engine/build-paths';
import type { Run } from '../engine/run';
import type { EngineEvent, LaneInfo } from '../protocol/events';
import { ValidationError } from '../protocol/validate';
import { signalExitStatus } from '../engine/signals';
import { readTraceFile } from '../engine/trace-file';
import { EXIT } from './exit';
import { checkWritable, readableFile, save } from './files';
import { formatSummary, formatUs } from './format';
import { matrixCommand } from './matrix';
import { parseParam, parsePort, splitPythonCommand } from './params';

/** The engine, with the last resort of a door: an error nobody caught stops every run before the CLI exits. */
function engine(): Engine {
  const kitchen = new Engine({ ...builtLayout(import.meta.dirname), transport: 'browser', version: APP.version });
  stopRunsBeforeDying(kitchen);
  return kitchen;
}

/** Live output: printed lines (and, for scenarios, the console) as they happen. */
function printer(console: boolean): (event: EngineEvent) => void {
  const lanes = new Map<number, LaneInfo>();
  const name = (id: number) => lanes.get(id)?.name ?? `lane ${id}`;
  return (event) => {
    switch (event.type) {
      case 'lane-added':
        lanes.set(event.lane.laneId, event.lane);
        return;
      case 'output':
        if (console)
          process.stdout.write(`${formatUs(event.tsUs).padStart(9)}  ${name(event.laneId)} │ ${event.text}\n`);
        return;
      case 'console':
        if (console && event.stream === 'stderr') process.stderr.write(`${event.text}\n`);
        return;
      case 'lane-ended': {
        const o = event.outcome;
        if (o.kind === 'error' && console) {
          process.stderr.write(
            `${formatUs(event.tsUs).padStart(9)}  ${name(event.laneId)} failed: ${o.message.split('\n')[0]}\n`,
          );
        }
        return;
      }
      default:
        return;
    }
  };
}

/** Where a command writes what it recorded: a Chrome trace, and the engine's own events. */
interface Outputs {
  readonly out?: string;
  readonly events?: string;
}

/** Waits for the run (SIGINT stops it), writes the trace and the events, prints the summary. */
async function finish(
  kitchen: Engine,
  run: Run,
  outputs: Outputs,
  report: NodeJS.WriteStream,
): Promise<{ interrupted: boolean }> {
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
  const ended = run.model?.end ?? null;
  const reason = ended?.reason ?? 'failed';
  const message = ended?.message ?? null;
  const name = run.scenario.id === 'script' ? run.scenario.title : run.scenario.id;
  // The trace first: whatever goes wrong in printing the summary, the run's record is kept.
  let written: string | null = null;
  if (outputs.out) written = save(outputs.out, 'trace', () => kitchen.exportTrace(run.runId).json);
  if (outputs.events) save(outputs.events, 'events', () => run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  try {
    report.write(`\n${formatSummary(name, reason, message, summary)}\n`);
  } catch (err) {
    process.stderr.write(`kitchen: the summary could not be printed: ${(err as Error).message}\n`);
  }
  if (written) report.write(`\nTrace written to ${written}: open it in the Perfetto UI or chrome://tracing.\n`);
  return { interrupted };
}

async function runCommand(scenarioId: string, options: { param: Record<string, number> } & Outputs): Promise<number> {
  checkWritable(options.out, '--out');
  checkWritable(options.events, '--events');
  const kitchen = engine();
  const print = printer(true);
  kitchen.onBatch((batch) => batch.events.forEach(print));
  const run = await kitchen.start(scenarioId, options.param);
  const { interrupted } = await finish(kitchen, run, options, process.stdout);
  if (interrupted) return EXIT.interrupted;
  return run.model?.end?.reason === 'completed' ? EXIT.ok : EXIT.failed;
}

/**
 * `kitchen trace -- python3 [interpreter options] script.py [args]`: the
 * script's own stdout and stderr pass straight through; the summary goes to
 * stderr; the exit code is the script's.
 */
async function traceCommand(command: string[], options: Outputs): Promise<number> {
  const [python, ...rest] = command;
  const { flags, script, args } = splitPythonCommand(rest);
  checkWritable(options.out, '--out');
  checkWritable(options.events, '--events');
  const kitchen = engine();
  const run = await kitchen.startScript({
    script,
    args,
    interpreterArgs: flags,
    python,
    cwd: process.cwd(),
    passthrough: true,
    // The user named the script on their own command line: Python runs it whatever its name.
    anyName: true,
  });
  // The script's own stdout is passed through: the summary goes to stderr.
  const { interrupted } = await finish(kitchen, run, options, process.stderr);
  if (interrupted) return EXIT.interrupted;
  // The script's own exit status, as a shell gives it: its code, or 128 + the signal that ended it.
  const exit = run.exitStatus();
  if (exit === null) return EXIT.failed;
  if (exit.signal !== null) return signalExitStatus(exit.signal);
  return exit.code ?? EXIT.failed;
}

/** The command-line program. */
function program(): Program {
  const cli = new Program('kitchen')
    .description(`${APP.name}: run real concurrent workloads and trace what they did.`)
    .version(APP.version)
    .enablePositionalOptions()
    .showHelpAfterError()
    // The parser's errors end the program here, with the usage exit code (below), not with its own 1.
    .exitOverride();
  cli
    .command('scenarios')
    .description('list the scenarios you can run')
    .action(() => {
      for (const s of engine().scenarios()) {
        process.stdout.write(`${s.id.padEnd(22)} ${s.summary}\n`);
        const params = s.params.map((p) => `${p.key}=${p.default}`).join(' ');
        process.stdout.write(`${''.padEnd(22)} ${s.runtime} · params: ${params}\n`);
      }
    });
  cli
    .command('run')
    .description('run a scenario headless, print its summary and optionally write a Chrome trace')
    .argument('<scenario>', 'a scenario id (see `kitchen scenarios`)')
    .option('-p, --param <key=value>', 'set a parameter (repeatable)', parseParam, {})
    .option('-o, --out <file>', 'write a Chrome Trace Event JSON file')
    .option('--events <file>', "write the engine's events, one JSON object a line")
    .action(async (scenarioId: string, options: { param: Record<string, number> } & Outputs) => {
      process.exitCode = await runCommand(scenarioId, options);
    });
  cli
    .command('trace')
    .description('trace a Python script: kitchen trace [--out trace.json] -- python3 script.py [args]')
    .argument('<command...>', 'the interpreter, its options, the script and its arguments')
    .option('-o, --out <file>', 'write a Chrome Trace Event JSON file')
    .option('--events <file>', "write the engine's events, one JSON object a line")
    .passThroughOptions()
    .action(async (command: string[], options: Outputs) => {
      process.exitCode = await traceCommand(command, options);
    });
  cli
    .command('view')
    .description('open a Chrome trace (ours, VizTracer, Perfetto, chrome://tracing; .gz too) in browser mode')
    .argument('<file>', 'a Chrome Trace Event JSON file')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--no-open', 'do not open a browser')
    .action(async (file: string, options: { port: number; open: boolean }) => {
      const path = readableFile(file);
      if (path === null) {
        process.exitCode = EXIT.usage;
        return;
      }
      // Loaded only here: the server and its WebSocket library are start-up cost the other commands do not need.
      const { serveBrowserMode } = await import('../web/serve');
      await serveBrowserMode({
        ...options,
        openFile: { path },
        builtDir: import.meta.dirname,
      });
    });
  cli
    .command('matrix')
    .description('run the model matrix: downloads and arithmetic, each sequential, on threads, asyncio and processes')
    .option('-p, --param <key=value>', 'set a parameter of the cells that have it (repeatable)', parseParam, {})
    .option('--json <file>', 'write the cells as JSON: [{ workload, model, wallMs, speedup }]')
    .action(async (options: { param: Record<string, number>; json?: string }) => {
      process.exitCode = await matrixCommand(engine(), options);
    });
  cli
    .command('summary')
    .description('print the summary of a Chrome trace (any tool’s; .gz too)')
    .argument('<file>', 'a Chrome Trace Event JSON file')
    .action(async (file: string) => {
      process.exitCode = await summaryCommand(file);
    });
  return cli;
}

/** `kitchen summary FILE`: reads any Chrome trace and prints what it showed. */
async function summaryCommand(file: string): Promise<number> {
  const path = readableFile(file);
  if (path === null) return EXIT.usage;
  let result;
  try {
    result = await readTraceFile(path);
  } catch (err) {
    process.stderr.write(`kitchen: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  const { model, notes, events } = result;
  const end = model.end;
  if (!end) return EXIT.failed;
  const lanes = model.order.length;
  process.stdout.write(
    `${basename(path)}: ${events.toLocaleString('en')} events, ${lanes.toLocaleString('en')} lanes, ` +
      `${model.spans.count.toLocaleString('en')} spans\n`,
  );
  for (const note of notes) process.stdout.write(`  ${note}\n`);
  process.stdout.write(
    `${formatSummary(model.title, end.reason, end.message, end.summary, 'every one is in the file')}\n`,
  );
  return EXIT.ok;
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
    if (err instanceof CommanderError) {
      // Help and the version are answers, not errors; anything else the parser has said already.
      const asked = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code);
      process.exitCode = asked ? EXIT.ok : EXIT.usage;
      return;
    }
    if (err instanceof ValidationError || err instanceof EngineStateError) {
      process.stderr.write(`kitchen: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (err instanceof Error && err.message.startsWith('No usable Python')) {
      process.stderr.write(`kitchen: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    throw err;
  }
}

void main();
