/**
 * Property tests of the validators at the app's borders: whatever arrives (random values, and valid
 * commands and records with a field replaced, removed or added), the answer is either a value that
 * validates again to itself and fits the limits, or a ValidationError with a short message that says
 * where. Nothing else may be thrown.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  MAX_COMMAND_BYTES,
  validateClientAuth,
  validateClientMessage,
  validateCommand,
} from '../../src-main/protocol/commands';
import { validateTracerRecord } from '../../src-main/protocol/tracer';
import { ValidationError } from '../../src-main/protocol/validate';
import { untrusted, validCommand, validRecord } from './arbitraries';

/** The longest error a validator may give: it names where and what, and never echoes the input back. */
const MAX_ERROR_CHARS = 300;

/** Runs a validator on an untrusted value: its result, or its ValidationError (anything else fails). */
function judge<T>(validate: (value: unknown) => T, value: unknown): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: validate(value) };
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    const message = (err as Error).message;
    expect(message.length, message.slice(0, 400)).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    // It starts by saying where, and holds no control character a terminal or the console would act on.
    expect(message).toMatch(/^(command|message|record)[.[:]/);
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for.
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    return { ok: false };
  }
}

/** What a value becomes on the wire. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const RUNS = { numRuns: 2000 };

describe('validators, on random and mutated input', () => {
  test('commands: accepted ones validate to themselves and fit in a frame; the rest are clear errors', () => {
    fc.assert(
      fc.property(untrusted(validCommand), (value) => {
        const verdict = judge((v) => validateCommand(v), value);
        if (!verdict.ok) return;
        expect(JSON.stringify(validateCommand(wire(verdict.value)))).toBe(JSON.stringify(verdict.value));
        const message = JSON.stringify({ id: Number.MAX_SAFE_INTEGER, command: verdict.value });
        expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_COMMAND_BYTES);
      }),
      RUNS,
    );
  });

  test('every well-formed command is accepted as it was sent', () => {
    fc.assert(
      fc.property(validCommand, (command) => {
        expect(JSON.stringify(validateCommand(wire(command)))).toBe(JSON.stringify(wire(command)));
      }),
      RUNS,
    );
  });

  test('client messages and the first (token) message', () => {
    const message = fc.record({ id: fc.nat(), command: validCommand });
    fc.assert(
      fc.property(untrusted(message), (value) => {
        judge(validateClientMessage, value);
        judge(validateClientAuth, value);
      }),
      RUNS,
    );
  });

  test('tracer records: accepted ones validate to themselves; the rest are clear errors', () => {
    fc.assert(
      fc.property(untrusted(validRecord), (value) => {
        const verdict = judge((v) => validateTracerRecord(v), value);
        if (!verdict.ok) return;
        expect(JSON.stringify(validateTracerRecord(wire(verdict.value)))).toBe(JSON.stringify(verdict.value));
      }),
      RUNS,
    );
  });

  test('every well-formed tracer record is accepted', () => {
    fc.assert(
      fc.property(validRecord, (record) => {
        expect(() => validateTracerRecord(wire(record))).not.toThrow();
      }),
      RUNS,
    );
  });
});
