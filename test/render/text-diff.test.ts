/** A long text change in a plan is a bare unified diff: hunks only, no file header of the diff library. */
import { expect, test } from 'vitest';
import { textDiff } from '../../src/render/values.js';

test('no Index:, ===, --- or +++ header, only the hunk', () => {
  expect(textDiff('system_prompt', 'a\nb\nc', 'a\nB\nc')).toEqual([
    '@@ -1,3 +1,3 @@',
    ' a',
    '-b',
    '+B',
    ' c',
  ]);
});
