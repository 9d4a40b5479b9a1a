/** Temporary names left by a rename cut short: which connector they belong to and where it was going. */
import { describe, expect, it } from 'vitest';
import { earlierTemporaryTarget, temporaryName, temporaryTarget } from '../../src/reconcile/renames.js';

describe('a temporary name of this version', () => {
  const id = '00000000-0000-4000-8000-000000000001';

  it('is <final name>-renaming-<16 hex>, cut to the API limit of 64 characters', () => {
    expect(temporaryName(id, 'short')).toMatch(/^short-renaming-[0-9a-f]{16}$/);
    const long = `${'p'.repeat(38)}${'q'.repeat(26)}`;
    expect(temporaryName(id, long)).toMatch(new RegExp(`^${'p'.repeat(38)}-renaming-[0-9a-f]{16}$`));
    expect(temporaryName(id, 'x'.repeat(39))).toHaveLength(64);
  });

  it('leads back to its final name, only for the connector it was made for', () => {
    expect(temporaryTarget({ id, name: temporaryName(id, 'short') }, [])).toBe('short');
    expect(temporaryTarget({ id: 'another', name: temporaryName(id, 'short') }, [])).toBeUndefined();
    expect(temporaryTarget({ id, name: 'short' }, ['short'])).toBeUndefined();
    expect(temporaryTarget({ id, name: 'short-renaming-0123' }, ['short'])).toBeUndefined();
  });

  it('finds a cut final name among the declared names sharing its prefix, by its tag alone', () => {
    const prefix = 'p'.repeat(38);
    const final = `${prefix}-final`;
    const name = temporaryName(id, final);
    // names that share the kept prefix are tried in turn: only the tag of the final name matches
    expect(temporaryTarget({ id, name }, [`${prefix}-decoy`, `${prefix}-other`, final])).toBe(final);
    // none declared completes it: still a temporary name (never pruned), with no known destination
    expect(temporaryTarget({ id, name }, [`${prefix}-decoy`, 'unrelated'])).toBeNull();
    expect(temporaryTarget({ id: 'another', name }, [final])).toBeNull();
  });
});

describe('a temporary name of the earlier version', () => {
  const id = 'ab-cd_ef/0123456789xyz';

  it('is <name it left>-renaming-<first 12 letters and digits of its id>, going to who declares it', () => {
    const name = 'old-renaming-abcdef012345';
    expect(earlierTemporaryTarget({ id, name }, [{ name: 'new', renamed_from: 'old' }])).toEqual({
      from: 'old',
      to: 'new',
    });
    expect(
      earlierTemporaryTarget({ id, name }, [
        { name: 'new', renamed_from: 'old' },
        { name: 'other', renamed_from: 'old' },
      ]),
    ).toEqual({ from: 'old', to: null });
    expect(earlierTemporaryTarget({ id, name }, [{ name: 'old', renamed_from: null }])).toEqual({
      from: 'old',
      to: null,
    });
  });

  it('is no temporary name for another connector id or another shape', () => {
    expect(earlierTemporaryTarget({ id: 'zz-other', name: 'old-renaming-abcdef012345' }, [])).toBeUndefined();
    expect(earlierTemporaryTarget({ id, name: 'old-abcdef012345' }, [])).toBeUndefined();
    expect(earlierTemporaryTarget({ id, name: 'old-renaming-abcdef01234-' }, [])).toBeUndefined();
  });
});
