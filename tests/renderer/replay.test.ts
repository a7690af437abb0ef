import { describe, expect, test } from 'vitest';
import { stepFrom } from '../../src-renderer/lib/replay.svelte';

describe('stepping a replay from event to event', () => {
  const times = Float64Array.from([0, 10, 25, 40]);
  test('next and previous from between events, and from on one', () => {
    expect(stepFrom(times, 12, 1)).toBe(25);
    expect(stepFrom(times, 12, -1)).toBe(10);
    expect(stepFrom(times, 25, 1)).toBe(40);
    expect(stepFrom(times, 25, -1)).toBe(10);
  });
  test('nothing past the last or before the first', () => {
    expect(stepFrom(times, 40, 1)).toBeNull();
    expect(stepFrom(times, 0, -1)).toBeNull();
    expect(stepFrom(new Float64Array(0), 5, 1)).toBeNull();
  });
});
