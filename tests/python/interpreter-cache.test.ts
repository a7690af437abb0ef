import { chmodSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { findPython } from '../../src-main/engine/python/interpreter';

describe('the interpreter probe is kept between runs', () => {
  test('a second run takes the kept answer; a changed executable is probed again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitchen-probe-'));
    const calls = join(dir, 'calls');
    writeFileSync(calls, '');
    // A stand-in interpreter that answers the probe and counts how often it was asked.
    const fake = join(dir, 'python3');
    writeFileSync(
      fake,
      `#!/bin/sh\necho x >> ${calls}\necho '{"executable": "${fake}", "version": "3.11.7", "impl": "cpython", "gil": true}'\n`,
    );
    chmodSync(fake, 0o755);
    const cache = join(dir, 'cache');
    const count = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length;

    const first = await findPython(fake, cache);
    expect(first).toMatchObject({ executable: fake, version: '3.11.7', gilEnabled: true });
    expect(count()).toBe(1);
    expect(await findPython(fake, cache)).toEqual(first);
    expect(count()).toBe(1);
    // The executable changed (an upgrade): asked again.
    const later = new Date(Date.now() + 5000);
    utimesSync(fake, later, later);
    await findPython(fake, cache);
    expect(count()).toBe(2);
    // No cache: always asked.
    await findPython(fake, null);
    expect(count()).toBe(3);
  });
});
