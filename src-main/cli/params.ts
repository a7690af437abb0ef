import { InvalidArgumentError } from 'commander';
import { ValidationError } from '../protocol/validate';

/** A decimal number as a person writes one: `12`, `-3`, `0.25`, `1e3`; not `0x10`, ` 5` or `Infinity`. */
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** Parses one `--param key=value` into the accumulated object. */
export function parseParam(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([a-zA-Z][a-zA-Z0-9]*)=(.*)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  const [, key, raw] = match;
  const number = Number(raw);
  if (!DECIMAL.test(raw) || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`${key}: expected a decimal number, got ${JSON.stringify(raw)}`);
  }
  return { ...previous, [key]: number };
}

/** `--port N`: a port from 0 to 65535 (0 picks a free one). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** `python [options] script.py [args]`, taken apart. */
export interface PythonCommand {
  readonly flags: string[];
  readonly script: string;
  readonly args: string[];
}

/**
 * Splits what follows the interpreter in `kitchen trace -- python3 …`: Python's own options (with
 * the values -X and -W take), the script, and the script's arguments. Refuses what cannot be
 * traced: -m and -c (no script file), and -E, -I and -S, which keep Python from loading the
 * tracer (it starts from sitecustomize on PYTHONPATH).
 */
export function splitPythonCommand(words: readonly string[]): PythonCommand {
  const flags: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i];
    if (word === '--') {
      i++;
      break;
    }
    if (!word.startsWith('-') || word === '-') break;
    flags.push(word);
    if (word.startsWith('--')) {
      if (word === '--check-hash-based-pycs' && i + 1 < words.length) flags.push(words[++i]);
      continue;
    }
    for (let at = 1; at < word.length; at++) {
      const letter = word[at];
      if (letter === 'm' || letter === 'c')
        throw new ValidationError('command', 'expected `python [options] script.py [args]`: -m and -c are not traced');
      if ('EIS'.includes(letter))
        throw new ValidationError('command', `python -${letter} would not load the tracer: leave it out`);
      if (letter === 'X' || letter === 'W') {
        // The value is the rest of this word, or the next word.
        if (at === word.length - 1 && i + 1 < words.length) flags.push(words[++i]);
        break;
      }
    }
  }
  const script = words[i];
  if (script === undefined || script === '-')
    throw new ValidationError('command', 'expected `python [options] script.py [args]`: no script file given');
  return { flags, script, args: words.slice(i + 1) };
}
