import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, test } from 'vitest';
import { validateCommand } from '../../src-main/protocol/commands';
import { ValidationError } from '../../src-main/protocol/validate';
import { finished, makeEngine } from '../engine/helpers';

const THREADS = `import threading, time
def work(n):
    print("worker", n, "sleeping")
    time.sleep(0.05)
threads = [threading.Thread(target=work, args=(n,), name="Box-%d" % n) for n in (1, 2)]
for t in threads: t.start()
for t in threads: t.join()
print("done")
`;

describe('the code box: Python typed in the page, saved to a temporary file and traced', () => {
  test('runs as a script would, named as the box says, and its file is gone after the run', async () => {
    const engine = makeEngine();
    const run = await engine.startCode('box_threads.py', THREADS, []);
    const { timeline, ended } = await finished(run);
    expect(ended.reason).toBe('completed');
    expect(run.scenario.title).toBe('box_threads.py');
    expect(timeline.lanes.map((l) => l.info.name)).toEqual(expect.arrayContaining(['Box-1', 'Box-2']));
    expect(timeline.instants.map((i) => i.text)).toContain('done');
    // The file was where the process ran; it goes with the run.
    const cwdLine = await engine.startCode('where.py', 'import os; print(os.getcwd())', []);
    const where = await finished(cwdLine);
    const dir = where.timeline.instants[0]?.text ?? '';
    expect(dir).toMatch(/kitchen-code-/);
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(dirname(dir))).toBe(true);
  });

  test('code that does not compile fails with its line, and gets no concurrency verdict', async () => {
    const run = await makeEngine().startCode('broken.py', 'import time\n\ndef f(:\n    pass\n', []);
    const { summary, timeline, ended } = await finished(run);
    expect(ended.reason).toBe('failed');
    const stderr = timeline.instants
      .filter((i) => i.stream === 'stderr')
      .map((i) => i.text)
      .join('\n');
    expect(stderr).toMatch(/broken\.py", line 3/);
    expect(stderr).toContain('SyntaxError');
    expect(summary.verdict.rule).toBe('failed-before-work');
  });

  test('names that are not a plain .py file, NUL bytes and oversized code are refused before anything runs', () => {
    const base = { type: 'start-code', code: 'print(1)', args: [] };
    for (const name of ['../evil.py', 'x.sh', '/tmp/a.py', '.hidden.py', 'a b.py', ''])
      expect(() => validateCommand({ ...base, name }), name).toThrow(ValidationError);
    expect(() => validateCommand({ ...base, name: 'ok.py', code: 'print(1)\0' })).toThrow(/NUL/);
    expect(() => validateCommand({ ...base, name: 'ok.py', code: 'x'.repeat(100_001) })).toThrow(/at most 100000/);
    expect(validateCommand({ ...base, name: 'my_script-2.py' })).toEqual({ ...base, name: 'my_script-2.py' });
  });
});
