/** The plan's one-line summary counts only what was checked as in sync; unverified is said apart. */
import { expect, test } from 'vitest';
import type { Plan } from '../../src/reconcile/types.js';
import { planSummary } from '../../src/render/plan-text.js';

const plan = (inSync: number, unverified: number): Plan =>
  ({
    operations: [],
    refusals: [],
    basis: [],
    warnings: [],
    in_sync: Array.from({ length: inSync }, (_, i) => `s${i}`),
    unverified: Array.from({ length: unverified }, (_, i) => ({ name: `u${i}`, fields: ['headers'] })),
  }) as unknown as Plan;

test('unverified connectors are not counted as in sync', () => {
  expect(planSummary(plan(6, 1))).toBe('No changes. 6 connectors in sync, 1 unverified (write-only values).');
  expect(planSummary(plan(1, 0))).toBe('No changes. 1 connector in sync.');
  expect(planSummary(plan(0, 2))).toBe('No changes. 0 connectors in sync, 2 unverified (write-only values).');
});
