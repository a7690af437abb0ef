/**
 * Generators for the fuzz tests: well-formed commands and tracer records, and mutations of them (a
 * field replaced by anything, removed, added; a value turned huge or odd), so the inputs land both
 * far from and close to what the validators accept.
 */
import fc from 'fast-check';
import { LIVE_STATES } from '../../src-main/protocol/events';

/** Strings a hostile or careless client might send: empty, control characters, lone surrogates, long. */
export const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.constantFrom(
    '',
    '\u0000',
    '\u007f',
    '\u009b',
    '\u202e',
    '\ud800',
    '..',
    '../../etc/passwd',
    '%',
    '__proto__',
    'constructor',
    'toString',
  ),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
);

/** Numbers at the edges: NaN, infinities, -0, huge, tiny, fractional, and as strings. */
export const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 53), 1e308, 5e-324),
);

/** Anything JSON can hold, and a few things it cannot. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
  oddString,
  oddNumber,
);

const scenarioIds = fc.constantFrom('chef-concurrent', 'chef-parallel', 'node-async', 'py-threads-cpu');
const paramName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,31}$/);

/** Commands the validator should take (their values may still be refused later: unknown ids, bounds). */
export const validCommand = fc.oneof(
  fc.constant({ type: 'hello' }),
  fc.constant({ type: 'snapshot' }),
  fc.record({
    type: fc.constant('start-run'),
    scenarioId: fc.oneof(scenarioIds, fc.string({ minLength: 1, maxLength: 64 })),
    params: fc.dictionary(paramName, fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 32 }),
  }),
  fc.record({ type: fc.constantFrom('stop-run', 'export-trace'), runId: fc.string({ minLength: 1, maxLength: 64 }) }),
  fc.record({
    type: fc.constant('start-script'),
    path: fc.string({ minLength: 1, maxLength: 4096 }),
    args: fc.array(fc.string({ maxLength: 2048 }), { maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant('start-code'),
    name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}\.py$/),
    code: fc.string({ maxLength: 2000 }).filter((c) => !c.includes('\0')),
    args: fc.array(fc.string({ maxLength: 2048 }), { maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant('configure-python'),
    path: fc.option(fc.string({ minLength: 1, maxLength: 4096 }), { nil: null }),
  }),
);

const laneKey = fc.constantFrom('p1', 'p1t1', 'p1t2', 'p1a1', 'p2', 'p2t1', 'nobody');
const cpu = fc.option(fc.integer({ min: 0, max: 300_000 }), { nil: null });

/** Tracer records of every kind, about a handful of lanes, stamped up to `maxUs` (and a few odd stamps). */
export const recordWithin = (maxUs: number): fc.Arbitrary<Record<string, unknown>> => {
  const tsUs = fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: maxUs }) },
    { weight: 1, arbitrary: fc.constantFrom(-5, 1e11, 0.5) },
  );
  return fc.oneof(
    fc.record({
      t: fc.constant('spawn'),
      parent: fc.option(laneKey, { nil: null }),
      kind: fc.constantFrom('thread', 'process', 'task'),
      lanes: fc.array(
        fc.record({ key: laneKey, name: fc.string({ minLength: 1, maxLength: 120 }), detail: fc.constant(null) }),
        { minLength: 1, maxLength: 3 },
      ),
      pid: fc.option(fc.integer({ min: 1, max: 2 ** 22 }), { nil: null }),
      tsUs,
    }),
    fc.record({
      t: fc.constant('ready'),
      lane: laneKey,
      pid: fc.integer({ min: 1, max: 2 ** 22 }),
      tid: fc.integer({ min: 1, max: 2 ** 22 }),
      cpuUs: cpu,
      tsUs,
    }),
    fc.record({ t: fc.constant('name'), lane: laneKey, name: fc.string({ minLength: 1, maxLength: 120 }), tsUs }),
    fc.record({
      t: fc.constant('state'),
      lane: laneKey,
      state: fc.nat({ max: LIVE_STATES.length - 1 }).map((i) => LIVE_STATES[i]),
      detail: fc.option(fc.string({ minLength: 1, maxLength: 200 }), { nil: null }),
      cpuUs: cpu,
      tsUs,
    }),
    fc.record({
      t: fc.constant('print'),
      lane: laneKey,
      stream: fc.constantFrom('stdout', 'stderr'),
      text: fc.string({ maxLength: 2000 }),
      tsUs,
    }),
    fc.record({
      t: fc.constant('done'),
      lane: laneKey,
      soloUs: cpu,
      error: fc.option(fc.constantFrom('boom', 'cancelled'), { nil: null }),
      cpuUs: cpu,
      printed: fc.option(fc.nat({ max: 1000 }), { nil: null }),
      tsUs,
    }),
    fc.record({
      t: fc.constant('exit'),
      lane: laneKey,
      code: fc.option(fc.integer({ min: -255, max: 255 }), { nil: null }),
      signal: fc.option(fc.constantFrom('SIGTERM', 'SIGKILL'), { nil: null }),
      tsUs,
    }),
  );
};

/** Tracer records as a script might send them over a longer run. */
export const validRecord = recordWithin(200_000);

type Mutation =
  | { readonly op: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly op: 'remove'; readonly at: number }
  | { readonly op: 'add'; readonly key: string; readonly value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: anyValue }),
  fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('add' as const), key: oddString, value: anyValue }),
);

/** Applies mutations to a copy of a plain object, a field at a time (nested objects included). */
function mutate(value: Record<string, unknown>, mutations: readonly Mutation[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(value);
  for (const m of mutations) {
    // The object to change: the top one, or one a field of it holds.
    const objects: Record<string, unknown>[] = [out];
    for (const v of Object.values(out)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) objects.push(v as Record<string, unknown>);
    }
    const target = objects[(m.op === 'add' ? m.key.length : m.at) % objects.length] ?? out;
    const keys = Object.keys(target);
    if (m.op === 'add') {
      Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
    } else if (keys.length > 0) {
      const key = keys[m.at % keys.length] ?? '';
      if (m.op === 'replace') target[key] = m.value;
      else delete target[key];
    }
  }
  return out;
}

/** A well-formed value with one to three mutations. */
export const mutated = (valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => mutate(v, ms));

/** Valid, mutated, or anything at all. */
export const untrusted = (valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> =>
  fc.oneof(valid, mutated(valid), anyValue);
