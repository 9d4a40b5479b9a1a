/** The safety guards, boundary by boundary and word by word: each refusal names what allows it. */
import { describe, expect, it } from 'vitest';
import { applyGuards } from '../../src/reconcile/guards.js';
import type { Operation, Plan, PlanOptions } from '../../src/reconcile/types.js';
import { planOptions } from '../support/fixtures.js';

const op = (kind: Operation['kind'], name: string) =>
  ({
    kind,
    name,
    changes: [],
    visibility: kind === 'replace' ? { via: 'replace' } : null,
  }) as unknown as Operation;
/** A replace for the create-only metadata URL alone (the visibility stays). */
const urlReplace = (name: string) =>
  ({
    kind: 'replace',
    name,
    changes: [{ field: 'oauth2_server_metadata_url', before: 'https://a', after: 'https://b' }],
    visibility: null,
  }) as unknown as Operation;
const plan = (...operations: Operation[]) => ({ operations, invalid_remote: [] }) as unknown as Plan;
const deletes = (count: number) => Array.from({ length: count }, (_, i) => op('delete', `d${i}`));

function guard(
  operations: Operation[],
  managedCount: number,
  options: Partial<PlanOptions> = {},
  desiredCount = 1,
) {
  return applyGuards(plan(...operations), { desiredCount, managedCount, options: planOptions(options) });
}
const codes = (refusals: { code: string }[]) => refusals.map((r) => r.code);

describe('the guards', () => {
  it('refuse pruning to an empty desired state, unless --allow-empty', () => {
    expect(guard([], 3, { prune: true }, 0)).toEqual([
      {
        code: 'empty-desired-state',
        message: 'the desired state declares no connector, so --prune would delete all 3 managed connectors',
        flag: '--allow-empty',
      },
    ]);
    expect(guard([], 3, { prune: true, allowEmpty: true }, 0)).toEqual([]);
    expect(guard([], 3, { prune: false }, 0)).toEqual([]);
    expect(guard([], 3, { prune: true }, 1)).toEqual([]);
  });

  it('refuse any delete from an incomplete listing, with no flag to allow it', () => {
    const refusals = guard([op('delete', 'x')], 100, {
      listingComplete: false,
      listingIncompleteReason: 'page 3 failed',
    });
    expect(refusals).toEqual([
      {
        code: 'listing-incomplete',
        message: 'the remote listing is incomplete (page 3 failed), so deleting is unsafe',
        flag: 'none: run without --prune to apply the rest, or again once the API lists every page',
        names: ['x'],
      },
    ]);
    expect(guard([op('delete', 'x')], 100, { listingComplete: false })[0]?.message).toContain(
      '(unknown reason)',
    );
    expect(guard([op('update', 'x')], 100, { listingComplete: false })).toEqual([]);
    expect(codes(guard([op('delete', 'x')], 100, { listingComplete: false, forceDeletes: true }))).toEqual([
      'listing-incomplete',
    ]);
  });

  it('refuse more deletes than --max-deletes, exactly the limit passes', () => {
    const options = { maxDeletes: 3, maxDeleteFraction: 1 };
    expect(guard(deletes(3), 100, options)).toEqual([]);
    expect(guard(deletes(4), 100, options)).toEqual([
      {
        code: 'too-many-deletes',
        message:
          'the plan deletes 4 of 100 managed connectors, more than the limit (3 connectors, or 100% of at least 10)',
        flag: '--force-deletes',
        names: ['d0', 'd1', 'd2', 'd3'],
      },
    ]);
    expect(guard(deletes(4), 100, { ...options, forceDeletes: true })).toEqual([]);
  });

  it('refuse a share of deletes above the limit from the minimum count on; exactly the share passes', () => {
    expect(codes(guard(deletes(4), 10))).toEqual(['too-many-deletes']);
    expect(guard(deletes(3), 10)).toEqual([]);
    expect(guard(deletes(4), 9)).toEqual([]);
    expect(guard(deletes(4), 9, { deleteGuardMinimum: 9 })[0]?.message).toBe(
      'the plan deletes 4 of 9 managed connectors, more than the limit (50 connectors, or 30% of at least 9)',
    );
    expect(guard([], 0)).toEqual([]);
    expect(guard(deletes(0), 0, { maxDeletes: 0 })).toEqual([]);
  });

  it('refuse a replace (visibility change) unless --allow-replace, naming each', () => {
    expect(guard([op('replace', 'a'), op('replace', 'b'), op('update', 'c')], 5)).toEqual([
      {
        code: 'replace-needs-flag',
        message: 'changing the visibility of a, b needs a delete and a create (agents using it lose it)',
        flag: '--allow-replace',
        names: ['a', 'b'],
      },
    ]);
    expect(guard([op('replace', 'a')], 5, { allowReplace: true })).toEqual([]);
    expect(guard([urlReplace('u')], 5)[0]?.message).toBe(
      'changing oauth2_server_metadata_url (taken only when a connector is created) of u needs a delete and a create (agents using it lose it)',
    );
    expect(guard([urlReplace('u'), op('replace', 'v')], 5)[0]?.message).toBe(
      'changing the visibility or oauth2_server_metadata_url of u, v needs a delete and a create (agents using it lose it)',
    );
  });

  it('report every refusal that stands, in order', () => {
    const refusals = guard(
      [...deletes(5), op('replace', 'r')],
      10,
      { prune: true, listingComplete: false },
      0,
    );
    expect(codes(refusals)).toEqual([
      'empty-desired-state',
      'listing-incomplete',
      'too-many-deletes',
      'replace-needs-flag',
    ]);
  });
});
