import { describe, expect, test } from 'vitest';
import { splitArgs } from '../../src-renderer/lib/args';

describe('splitArgs', () => {
  test('splits words and keeps quoted ones whole', () => {
    expect(splitArgs('--workers 4  --name "two words" \'single quoted\'')).toEqual([
      '--workers',
      '4',
      '--name',
      'two words',
      'single quoted',
    ]);
    expect(splitArgs('  ')).toEqual([]);
    expect(splitArgs('"say \\"hi\\""')).toEqual(['say "hi"']);
  });
});
