import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { makeEngine, processAlive, until } from './helpers';

/**
 * Nothing a run starts outlives it: not a child in a session of its own, not a daemon that forked
 * twice, not one that ignores SIGTERM; whether the run is stopped, its script exits and leaves them,
 * or the CLI or the server is interrupted, terminated or killed outright.
 */

const SCRIPT = resolve('tests/python/scripts/hygiene/detached_children.py');
const CLI = resolve('bin/kitchen.js');
const WEB = resolve('out/main/web.js');
const linux = process.platform === 'linux';

/** The pids the script printed ("pids A B C"), and its own. */
function pidsFrom(line: string): number[] {
  return (/^pids (\d+) (\d+) (\d+)$/.exec(line) ?? []).slice(1).map(Number);
}

/** Resolves once none of the pids runs, or fails after `ms` naming those that still do. */
async function allGone(pids: readonly number[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(processAlive)) {
    if (Date.now() > deadline) throw new Error(`still running after ${ms} ms: ${pids.filter(processAlive).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts `kitchen trace` on the script; resolves with the CLI and the pids once they are printed. */
async function traceCli(args: string[] = []): Promise<{ cli: ChildProcess; pids: number[] }> {
  const cli = spawn(process.execPath, [CLI, 'trace', '--', 'python3', SCRIPT, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cli.stderr?.resume();
  const pids = await new Promise<number[]>((ok, fail) => {
    createInterface({ input: cli.stdout! }).on('line', (line) => {
      const found = pidsFrom(line);
      if (found.length) ok(found);
    });
    cli.once('exit', () => fail(new Error('the CLI exited before the script printed its children')));
  });
  return { cli, pids };
}

/** The script's own pid, a child of the supervisor the CLI started (from /proc). */
function scriptPid(of: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === of && readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes('detached_children.py')) {
        return Number(entry);
      }
    } catch {
      // gone while we looked
    }
  }
  return null;
}

describe.runIf(linux)('nothing a run starts outlives it', () => {
  test('Stop ends every process within a second, however it detached, and the stop does not hang', async () => {
    const engine = makeEngine();
    const run = await engine.startScript({ script: SCRIPT, args: [] });
    await until(run, (events) => events.some((e) => e.type === 'console' && pidsFrom(e.text).length > 0), 15_000);
    const line = run.events.find((e) => e.type === 'console' && pidsFrom(e.text).length > 0);
    const pids = line?.type === 'console' ? pidsFrom(line.text) : [];
    expect(pids.filter(processAlive)).toHaveLength(3);
    const started = performance.now();
    await run.stop();
    expect(performance.now() - started).toBeLessThan(1500);
    await allGone(pids, 1000);
  });

  test('a script that exits leaving them behind: they are ended after the grace, and the run says so', async () => {
    const engine = makeEngine();
    const run = await engine.startScript({ script: SCRIPT, args: ['--exit'] });
    await run.finished;
    const line = run.events.find((e) => e.type === 'console' && pidsFrom(e.text).length > 0);
    const pids = line?.type === 'console' ? pidsFrom(line.text) : [];
    expect(pids).toHaveLength(3);
    await allGone(pids, 1000);
    expect(
      run.events.some((e) => e.type === 'console' && /some of its processes were still running/.test(e.text)),
    ).toBe(true);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    test(`${signal} to the CLI: everything it started is gone within a second`, async () => {
      const { cli, pids } = await traceCli();
      const script = scriptPid(scriptParent(cli.pid ?? 0) ?? 0);
      cli.kill(signal);
      await allGone([...pids, ...(script ? [script] : [])], 1000);
      await new Promise((r) => (cli.exitCode !== null || cli.signalCode !== null ? r(null) : cli.once('exit', r)));
    });
  }

  test('the server killed outright: everything its run started is gone within a second', async () => {
    const server = spawn(process.execPath, [WEB, '--port', '0', '--no-open'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((ok) => {
      createInterface({ input: server.stdout! }).on('line', (line) => {
        const match = /(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)/.exec(line);
        if (match) ok(match[0]);
      });
    });
    const [origin, token] = [url.split('/#token=')[0], url.split('#token=')[1]];
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { origin });
    const consoleLines: string[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.kind === 'batch')
        for (const e of message.batch.events) if (e.type === 'console') consoleLines.push(e.text);
    });
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ auth: token }));
    ws.send(JSON.stringify({ id: 1, command: { type: 'start-script', path: SCRIPT, args: [] } }));
    const deadline = Date.now() + 15_000;
    while (!consoleLines.some((l) => pidsFrom(l).length > 0) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const pids = pidsFrom(consoleLines.find((l) => pidsFrom(l).length > 0) ?? '');
    expect(pids).toHaveLength(3);
    ws.terminate();
    server.kill('SIGKILL');
    await allGone(pids, 1000);
  });

  test('a run’s temporary folder is removed when it ends, and one left by a killed CLI is swept at the next start', async () => {
    const { cli, pids } = await traceCli();
    const mine = () =>
      readdirSync(tmpdir()).filter((name) => {
        if (!name.startsWith('kitchen-run-')) return false;
        try {
          return readFileSync(join(tmpdir(), name, 'owner.pid'), 'utf8') === String(cli.pid);
        } catch {
          return false;
        }
      });
    expect(mine()).toHaveLength(1);
    const left = join(tmpdir(), mine()[0]);
    cli.kill('SIGKILL');
    await allGone(pids, 1000);
    expect(existsSync(left)).toBe(true);
    // The next start of the CLI (or of any door) sweeps the folders whose owner is gone.
    const next = spawn(
      process.execPath,
      [CLI, 'trace', '--', 'python3', resolve('tests/python/scripts/exits.py'), '0'],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((r) => next.once('exit', r));
    expect(existsSync(left)).toBe(false);
  });
});

/** The supervisor under the CLI (its child running kitchen_supervisor.py). */
function scriptParent(cli: number): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === cli && readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes('kitchen_supervisor.py'))
        return Number(entry);
    } catch {
      // gone while we looked
    }
  }
  return null;
}
