/**
 * Small checks for data that crosses a border (IPC, WebSocket, CLI,
 * tracer pipes). Each names where the bad value was and what was wrong.
 */

/** A value that failed validation; `where` is a path such as `command.params.tasks`. */
export class ValidationError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'ValidationError';
  }
}

/** Characters JSON leaves as they are but a terminal or a page may act on: DEL, C1 controls, bidi overrides. */
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A string in quotes, every control character escaped. */
function quoted(value: string): string {
  return JSON.stringify(value).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : quoted(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Where a field is, for an error message: `where.key` for a name that reads as one, else the key
 * described safely (quoted, or its length when long), so a hostile key is never echoed back whole.
 */
export function field(where: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,39}$/.test(key) ? `${where}.${key}` : `${where}[${describe(key)}]`;
}

/** A plain object (not null, not an array). */
export function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(where, `expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A plain object that has no keys other than `allowed`. */
export function exactRecord(value: unknown, where: string, allowed: readonly string[]): Record<string, unknown> {
  const obj = record(value, where);
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw new ValidationError(field(where, key), 'unexpected field');
  }
  return obj;
}

/** A string of 1 to `maxLength` characters. */
export function text(value: unknown, where: string, maxLength = 200): string {
  if (typeof value !== 'string') {
    throw new ValidationError(where, `expected a string, got ${describe(value)}`);
  }
  if (value.length === 0 || value.length > maxLength) {
    throw new ValidationError(where, `expected 1 to ${maxLength} characters, got ${value.length}`);
  }
  return value;
}

/** A finite number, optionally within [min, max]. */
export function finite(value: unknown, where: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError(where, `expected a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new ValidationError(where, `expected a number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A whole number within [min, max]. */
export function integer(value: unknown, where: string, min: number, max: number): number {
  const n = finite(value, where, min, max);
  if (!Number.isInteger(n)) throw new ValidationError(where, `expected a whole number, got ${n}`);
  return n;
}

/** One of a fixed set of strings. */
export function oneOf<T extends string>(value: unknown, where: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new ValidationError(where, `expected one of ${options.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Either null or what `check` accepts. */
export function nullable<T>(value: unknown, where: string, check: (v: unknown, w: string) => T): T | null {
  return value === null ? null : check(value, where);
}
