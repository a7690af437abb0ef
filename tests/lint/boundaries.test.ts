import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const eslint = new ESLint();

/** The messages ESLint gives `code` as if it were the file at `filePath`. */
async function lint(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.message);
}

describe('import boundaries (STYLE.md), enforced by lint', () => {
  test('the protocol imports nothing outside itself', async () => {
    expect(await lint('src-main/protocol/x.ts', "import { join } from 'node:path';\nexport const y = join;\n")).toEqual(
      [expect.stringContaining('protocol/ is the pure contract')],
    );
    expect(
      await lint('src-main/protocol/x.ts', "import { record } from './validate';\nexport const y = record;\n"),
    ).toEqual([]);
  });

  test('src-shared (pure logic both sides run) imports only itself and the protocol', async () => {
    const message = expect.stringContaining('src-shared/ is pure logic');
    expect(await lint('src-shared/x.ts', "import { join } from 'node:path';\nexport const y = join;\n")).toEqual([
      message,
    ]);
    expect(
      await lint('src-shared/x.ts', "import { Run } from '../src-main/engine/run';\nexport const y = Run;\n"),
    ).toEqual([message]);
    const ok =
      "import { SPAN_STATES } from '../src-main/protocol/events';\nimport { SpanStore } from './span-store';\nexport const y = [SPAN_STATES, SpanStore];\n";
    expect(await lint('src-shared/x.ts', ok)).toEqual([]);
    const shared = "import { RunModel } from '@shared/run-model';\nexport const y = RunModel;\n";
    expect(await lint('src-renderer/lib/x.ts', shared)).toEqual([]);
  });

  test('the engine never imports electron nor a door', async () => {
    expect(await lint('src-main/engine/x.ts', "import { app } from 'electron';\nexport const y = app;\n")).toEqual([
      expect.stringContaining('The engine never imports electron'),
    ]);
    expect(await lint('src-main/engine/x.ts', "import { CSP } from '../web/server';\nexport const y = CSP;\n")).toEqual(
      [expect.stringContaining('never imports a door')],
    );
  });

  test('the renderer imports the protocol (pure, values too), no Node and nothing else of src-main', async () => {
    const value = "import { SPAN_STATES } from '@protocol/events';\nexport const y = SPAN_STATES;\n";
    expect(await lint('src-renderer/lib/x.ts', value)).toEqual([]);
    const type = "import type { SpanState } from '@protocol/events';\nexport type Y = SpanState;\n";
    expect(await lint('src-renderer/lib/x.ts', type)).toEqual([]);
    const engine = "import { Run } from '../../src-main/engine/run';\nexport const y = Run;\n";
    expect(await lint('src-renderer/lib/x.ts', engine)).toEqual([expect.stringContaining('only through lib/bridge')]);
    expect(await lint('src-renderer/lib/x.ts', "import fs from 'node:fs';\nexport const y = fs;\n")).toEqual([
      expect.stringContaining('no Node'),
    ]);
  });
});

describe('no spread or apply into a call (a big run has more spans than a call can take)', () => {
  test('Math.max(...spans) and fn.apply(null, spans) are refused anywhere; array spread and a method named apply are not', async () => {
    const message = expect.stringContaining('No spread or apply into a call');
    for (const file of ['src-main/engine/x.ts', 'src-renderer/lib/x.ts', 'tests/x.test.ts']) {
      expect(await lint(file, 'export const top = (a: number[]) => Math.max(...a);\n')).toEqual([message]);
      expect(await lint(file, 'export const top = (a: number[]) => Math.max.apply(null, a);\n')).toEqual([message]);
    }
    expect(
      await lint('src-main/engine/x.ts', 'export const both = (a: number[], b: number[]) => [...a, ...b];\n'),
    ).toEqual([]);
    expect(
      await lint('src-main/engine/x.ts', 'export const fold = (m: { apply(e: number): void }) => m.apply(1);\n'),
    ).toEqual([]);
  });
});
