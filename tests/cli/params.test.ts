import { describe, expect, test } from 'vitest';
import { splitPythonCommand } from '../../src-main/cli/params';

describe('splitPythonCommand', () => {
  test("takes Python's options apart from the script and its arguments", () => {
    expect(splitPythonCommand(['-X', 'dev', '-u', 'a.py', '-X', 'b'])).toEqual({
      flags: ['-X', 'dev', '-u'],
      script: 'a.py',
      args: ['-X', 'b'],
    });
    expect(splitPythonCommand(['-Xdev', '-Wignore', '-BW', 'error', 'a.py'])).toEqual({
      flags: ['-Xdev', '-Wignore', '-BW', 'error'],
      script: 'a.py',
      args: [],
    });
    expect(splitPythonCommand(['--check-hash-based-pycs', 'never', '--', '-odd.py', '1'])).toEqual({
      flags: ['--check-hash-based-pycs', 'never'],
      script: '-odd.py',
      args: ['1'],
    });
  });

  test('refuses what would not be traced, saying why', () => {
    expect(() => splitPythonCommand(['-m', 'http.server'])).toThrow('-m and -c are not traced');
    expect(() => splitPythonCommand(['-uc', 'print(1)'])).toThrow('-m and -c are not traced');
    expect(() => splitPythonCommand(['-I', 'a.py'])).toThrow('python -I would not load the tracer');
    expect(() => splitPythonCommand(['-BE', 'a.py'])).toThrow('python -E would not load the tracer');
    expect(() => splitPythonCommand(['-u'])).toThrow('no script file given');
    expect(() => splitPythonCommand(['-'])).toThrow('no script file given');
  });
});
