import { InvalidArgumentError } from 'commander';

/** Parses one `--param key=value` into the accumulated object. */
export function parseParam(value: string, previous: Record<string, number>): Record<string, number> {
  const match = /^([a-zA-Z][a-zA-Z0-9]*)=(.*)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  const [, key, raw] = match;
  const number = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`${key}: expected a number, got ${JSON.stringify(raw)}`);
  }
  return { ...previous, [key]: number };
}
