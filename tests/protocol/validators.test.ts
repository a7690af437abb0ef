import { describe, expect, test } from 'vitest';
import { validateClientMessage, validateCommand } from '../../src-main/protocol/commands';
import { paramProblem, resolveParams, type ParamSpec } from '../../src-main/protocol/scenarios';
import { validateTracerRecord } from '../../src-main/protocol/tracer';
import { ValidationError } from '../../src-main/protocol/validate';

/** The message a bad value is rejected with. */
function rejection(check: () => unknown): string {
  try {
    check();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a ValidationError, but the value was accepted');
}

describe('validateCommand', () => {
  test('accepts each well-formed command', () => {
    expect(validateCommand({ type: 'hello' })).toEqual({ type: 'hello' });
    expect(validateCommand({ type: 'start-run', scenarioId: 'chef-parallel', params: { chop: 10 } })).toEqual({
      type: 'start-run',
      scenarioId: 'chef-parallel',
      params: { chop: 10 },
    });
    expect(validateCommand({ type: 'start-run', scenarioId: 'node-async' })).toEqual({
      type: 'start-run',
      scenarioId: 'node-async',
      params: {},
    });
    expect(validateCommand({ type: 'stop-run', runId: 'abc' })).toEqual({ type: 'stop-run', runId: 'abc' });
  });

  test('rejects bad payloads saying where and what', () => {
    expect(rejection(() => validateCommand(null))).toBe('command: expected an object, got null');
    expect(rejection(() => validateCommand('hello'))).toBe('command: expected an object, got "hello"');
    expect(rejection(() => validateCommand({ type: 'rm -rf' }))).toMatch(/^command.type: expected one of hello, /);
    expect(rejection(() => validateCommand({ type: 'hello', extra: 1 }))).toBe('command.extra: unexpected field');
    expect(rejection(() => validateCommand({ type: 'start-run', scenarioId: 7 }))).toBe(
      'command.scenarioId: expected a string, got 7',
    );
    expect(rejection(() => validateCommand({ type: 'start-run', scenarioId: 'x'.repeat(65) }))).toBe(
      'command.scenarioId: expected 1 to 64 characters, got 65',
    );
    expect(rejection(() => validateCommand({ type: 'start-run', scenarioId: 'a', params: { chop: '10' } }))).toBe(
      'command.params.chop: expected a finite number, got "10"',
    );
    expect(rejection(() => validateCommand({ type: 'start-run', scenarioId: 'a', params: { chop: Infinity } }))).toBe(
      'command.params.chop: expected a finite number, got Infinity',
    );
    expect(rejection(() => validateCommand({ type: 'start-run', scenarioId: 'a', params: { __proto__x: 1 } }))).toBe(
      'command.params.__proto__x: not a parameter name',
    );
    expect(rejection(() => validateCommand({ type: 'stop-run' }))).toBe(
      'command.runId: expected a string, got undefined',
    );
  });

  test('browser-mode messages carry a whole-number id and a valid command', () => {
    expect(validateClientMessage({ id: 3, command: { type: 'snapshot' } })).toEqual({
      id: 3,
      command: { type: 'snapshot' },
    });
    expect(rejection(() => validateClientMessage({ id: 1.5, command: { type: 'hello' } }))).toBe(
      'message.id: expected a whole number, got 1.5',
    );
    expect(rejection(() => validateClientMessage({ id: 1, command: { type: 'nope' } }))).toMatch(
      /^message.command.type: expected one of/,
    );
  });
});

describe('resolveParams', () => {
  const specs: ParamSpec[] = [
    { key: 'tasks', label: 'Tasks', unit: 'tasks', min: 1, max: 8, step: 1, default: 2, help: '' },
    { key: 'waitMs', label: 'Wait', unit: 'ms', min: 0, max: 10000, step: 1, default: 300, help: '' },
  ];

  test('fills defaults', () => {
    expect(resolveParams(specs, { tasks: 4 })).toEqual({ tasks: 4, waitMs: 300 });
  });

  test('rejects unknown keys, values out of bounds and fractions', () => {
    expect(rejection(() => resolveParams(specs, { chop: 1 }))).toBe(
      'params.chop: unknown parameter (known: tasks, waitMs)',
    );
    expect(rejection(() => resolveParams(specs, { tasks: 9 }))).toBe(
      'params.tasks: Tasks must be a whole number from 1 to 8, got 9',
    );
    expect(rejection(() => resolveParams(specs, { tasks: 2.5 }))).toBe(
      'params.tasks: Tasks must be a whole number from 1 to 8, got 2.5',
    );
    // The UI asks the same rule (ParamControls, Run's enabled state): a sentence, or null.
    const tasks = specs[0];
    expect(paramProblem(tasks, 4)).toBeNull();
    expect(paramProblem(tasks, 2.5)).toBe('Tasks must be a whole number from 1 to 8');
    expect(paramProblem(tasks, Number.NaN)).toBe('Tasks must be a whole number from 1 to 8');
    expect(paramProblem(tasks, '4')).toBe('Tasks must be a whole number from 1 to 8');
  });
});

describe('validateTracerRecord', () => {
  test('accepts the records a workload writes', () => {
    const state = { t: 'state', lane: 'dish1', state: 'waiting', detail: 'boiling', cpuUs: null, tsUs: 12.5 };
    expect(validateTracerRecord(state)).toEqual(state);
  });

  test('rejects records that would draw a wrong picture', () => {
    expect(
      rejection(() =>
        validateTracerRecord({ t: 'state', lane: 'a', state: 'sleeping', detail: null, cpuUs: null, tsUs: 1 }),
      ),
    ).toMatch(/^record.state: expected one of starting, running, waiting, blocked, gil-wait, blocking/);
    expect(rejection(() => validateTracerRecord({ t: 'ready', lane: 'a', pid: -1, tid: 2, tsUs: 0 }))).toBe(
      'record.pid: expected a number from 0 to 4294967296, got -1',
    );
    expect(
      rejection(() => validateTracerRecord({ t: 'spawn', parent: null, kind: 'task', lanes: [], pid: null, tsUs: 0 })),
    ).toBe('record.lanes: expected 1 to 256 lanes');
    expect(rejection(() => validateTracerRecord('{"t":"state"'))).toBe(
      'record: expected an object, got "{\\"t\\":\\"state\\""',
    );
  });
});
