import { describe, expect, it } from 'vitest';
import { v8FlagsFor } from '../../bin/v8-flags.js';

describe('the V8 flags the launcher sets', () => {
  it('caps garbage between collections for the daemon as for one-shot commands', () => {
    for (const command of ['sync', 'validate', 'daemon', undefined])
      expect(v8FlagsFor(command)).toEqual(
        expect.arrayContaining(['--semi-space-growth-factor=1', '--heap-growing-percent=10']),
      );
  });

  it('keeps fewer freed pages for the daemon only: the one-shot commands keep V8 speed', () => {
    expect(v8FlagsFor('daemon')).toContain('--optimize-for-size');
    expect(v8FlagsFor('sync')).not.toContain('--optimize-for-size');
    expect(v8FlagsFor('validate')).not.toContain('--optimize-for-size');
  });
});
