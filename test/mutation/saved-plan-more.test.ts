/** A saved plan's operations against the ones this run derives: order, duplicates and forged entries. */
import { describe, expect, it } from 'vitest';
import { ConnectorSyncError } from '../../src/errors.js';
import { checkSavedPlan, desiredDigest, savePlan } from '../../src/reconcile/saved-plan.js';
import type { Operation, Plan } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { desired } from '../support/fixtures.js';

const API = 'https://api.example.com';
const plan = (operations: unknown[]): Plan => ({
  operations: operations as Operation[],
  in_sync: [],
  unverified: [],
  orphans: [],
  warnings: [],
  refusals: [],
  invalid_remote: [],
  basis: [],
});
const create = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'create',
  name,
  remote: null,
  changes: [{ field: 'server', before: null, after: `https://${name}` }],
  source: { file: `${name}.yaml`, line: 1, column: 1 },
  ...extra,
});

function check(saved: unknown[], fresh: unknown[]): ConnectorSyncError | undefined {
  const file = savePlan(plan(saved), { now: new Date(0), toolVersion: '1', apiUrl: API, desired: [] });
  try {
    checkSavedPlan(file, { fresh: plan(fresh), desired: [], apiUrl: API });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorSyncError);
    return error as ConnectorSyncError;
  }
}

const UNFOUNDED =
  'the plan file holds operations that do not follow from the connector files, the remote connectors and the options of this run: ';
const MISSING =
  'the connector files, the remote connectors and the options of this run call for operations the plan file does not hold (was it made with other flags?): ';

describe('a saved plan compared with the operations this run derives', () => {
  it('matches whatever the key order at any depth and wherever the connector was declared', () => {
    const reordered = {
      source: { file: 'moved.yaml', line: 9, column: 3 },
      changes: [{ after: 'https://a', field: 'server', before: null }],
      remote: null,
      name: 'a',
      kind: 'create',
    };
    expect(check([reordered, create('b')], [create('b'), create('a')])).toBeUndefined();
  });

  it('refuses a forged field, even one inside a list', () => {
    const forged = create('a', { changes: [{ field: 'server', before: null, after: 'https://evil' }] });
    expect(check([forged], [create('a')])?.message).toBe(`${UNFOUNDED}create "a"`);
    expect(check([create('a', { list: [1, 2] })], [create('a', { list: [12] })])?.message).toBe(
      `${UNFOUNDED}create "a"`,
    );
  });

  it('counts each operation: one held twice is refused, one derived twice must be held twice', () => {
    const twice = check([create('a'), create('a')], [create('a')]);
    expect([twice?.code, twice?.message]).toEqual(['PLAN_REFUSED', `${UNFOUNDED}create "a"`]);
    expect(twice?.hint).toBe(
      'apply a plan with the flags it was made with, or make a new one with `connector-sync sync --dry-run --plan-out FILE` and review it',
    );
    const lacking = check([create('a')], [create('a'), create('a'), create('b')]);
    expect([lacking?.code, lacking?.message]).toEqual(['PLAN_REFUSED', `${MISSING}create "a", create "b"`]);
    expect(check([create('a'), create('a')], [create('a'), create('a')])).toBeUndefined();
  });

  it('names a forged operation by what it can read of it, quoted and inert', () => {
    const forged = [
      'delete everything',
      null,
      { name: 'no-kind' },
      { kind: 'delete', name: 'legacy', remote: { id: '6f1e' } },
      { kind: 'delete', name: 'legacy2', remote: { name: 'no id' } },
      { kind: 'delete', name: 'legacy3', remote: 'text' },
      { kind: 'delete', remote: { id: 7 } },
      { kind: 'replace\nnow', name: 7 },
    ];
    expect(check(forged, [])?.message).toBe(
      `${UNFOUNDED}an unreadable operation, an unreadable operation, an operation "no-kind", delete "legacy" (id "6f1e"), delete "legacy2", delete "legacy3", delete, replace?now`,
    );
  });
});

describe('the desired digest', () => {
  it('moves with a global header name or whether it is secret, not with its value', () => {
    const of = (name: string, is_secret: boolean, value = 'v') =>
      desiredDigest([desired('a', { global_headers: { [name]: { value: new Secret(value), is_secret } } })]);
    expect(of('A', true)).not.toBe(of('A', false));
    expect(of('A', true)).not.toBe(of('B', true));
    expect(of('A', true)).toBe(of('A', true, 'other'));
  });
});
