/** Listed connectors that break the API's schema: which ones could be ours, and how they are named. */
import { describe, expect, it } from 'vitest';
import type { InvalidRemoteItem } from '../../src/api/types.js';
import {
  describeInvalid,
  describeInvalidList,
  invalidInScope,
  invalidItemFor,
  quoted,
} from '../../src/reconcile/invalid-remote.js';

const item = (name: string | null, id: string | null = null): InvalidRemoteItem => ({
  id,
  name,
  field: 'visibility',
  problem: 'is missing',
});

describe('invalid remote items', () => {
  it('in scope: those whose name is in scope, and every one whose name cannot be read', () => {
    const items = [item('team-a'), item(null, 'x'), item('other'), item('team-secret')];
    const scope = { include: ['team-*'], protect: ['team-secret'] };
    expect(invalidInScope(items, scope)).toEqual([items[0], items[1]]);
  });

  it('the item a desired connector acts on is found by name, never by a missing name', () => {
    const items = [item(null, 'x'), item('docs', 'd'), item('wiki', 'w')];
    expect(invalidItemFor(items, ['wiki', null])).toBe(items[2]);
    expect(invalidItemFor(items, [null])).toBeUndefined();
    expect(invalidItemFor(items, ['notes'])).toBeUndefined();
  });

  it('describes one by name and id, or says the name cannot be read', () => {
    expect(describeInvalid(item('docs', '6f1e'))).toBe(
      'connector "docs" (id "6f1e"): "visibility" is missing',
    );
    expect(describeInvalid(item(null))).toBe('a connector with no readable name: "visibility" is missing');
  });

  it('lists five at most, then how many more', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((name) => item(name));
    expect(describeInvalidList(five)).toBe(five.map(describeInvalid).join('; '));
    expect(describeInvalidList([...five, item('f'), item('g')])).toBe(
      `${five.map(describeInvalid).join('; ')}; and 2 more`,
    );
    expect(describeInvalidList([item('a')])).toBe('connector "a": "visibility" is missing');
    expect(describeInvalidList([])).toBe('');
  });

  it('quotes remote text on one line, cut to the limit with an ellipsis', () => {
    expect(quoted('a\nb\u202ec')).toBe('"a?b?c"');
    expect(quoted('x'.repeat(80))).toBe(`"${'x'.repeat(80)}"`);
    expect(quoted('x'.repeat(81))).toBe(`"${'x'.repeat(79)}…"`);
    expect(quoted('abcd', 3)).toBe('"ab…"');
  });
});
