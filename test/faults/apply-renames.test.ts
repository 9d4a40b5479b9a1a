/**
 * Renames in batches (the benchmark found 100 renames running one at a time: 2 s at 20 ms per
 * request). Independent renames run together; a chain, a swap or several of them mixed with
 * independent ones still never PATCH a name into one that is taken, which the API refuses.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredConnector } from '../../src/config/types.js';
import { applyPlan, nameBatches } from '../../src/reconcile/apply.js';
import { planChanges } from '../../src/reconcile/plan.js';
import type { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';
import { SlowWrites } from '../support/slow-api.js';

async function sync(api: FakeApi, wanted: DesiredConnector[], concurrency: number) {
  const plan = planChanges(wanted, (await api.listConnectors()).items, planOptions({ prune: true }));
  const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency });
  return { plan, applied };
}

/** Desired state that renames the remote connector `from` to `to`, keeping its contents. */
function renamed(api: FakeApi, from: string, to: string): DesiredConnector {
  const remote = api.byName(from)!;
  return desired(to, { renamed_from: from, description: remote.description, server: remote.server! });
}

describe('renames', () => {
  it('run in one round with creates and updates', async () => {
    const api = new SlowWrites().seed([
      ...Array.from({ length: 5 }, (_, i) => remoteFor(desired(`old-${i}`))),
      ...Array.from({ length: 10 }, (_, i) => remoteFor(desired(`keep-${i}`))),
    ]);
    const renamedIds = Array.from({ length: 5 }, (_, i) => api.byName(`old-${i}`)!.id);
    const wanted = [
      ...Array.from({ length: 5 }, (_, i) => renamed(api, `old-${i}`, `new-${i}`)),
      ...Array.from({ length: 10 }, (_, i) => desired(`keep-${i}`, { description: 'updated' })),
      ...Array.from({ length: 10 }, (_, i) => desired(`fresh-${i}`)),
    ];
    const { plan, applied } = await sync(api, wanted, 32);
    // in the applier's order: renames first, then creates and updates
    const kinds = (...k: string[]) => plan.operations.filter((op) => k.includes(op.kind));
    const writes = [...kinds('rename'), ...kinds('create', 'update')];
    expect(nameBatches(writes).map((batch) => batch.length)).toEqual([25]);
    expect(applied.results.filter((r) => r.status !== 'applied')).toEqual([]);
    expect(api.maxInFlight).toBe(25);
    expect(renamedIds.map((id) => api.connectors.get(id)?.name)).toEqual(
      Array.from({ length: 5 }, (_, i) => `new-${i}`),
    );
    expect(api.byName('keep-3')?.description).toBe('updated');
    expect(api.byName('fresh-9')).toBeDefined();
  });

  it('run independent renames together, up to the concurrency', async () => {
    const api = new SlowWrites().seed(Array.from({ length: 40 }, (_, i) => remoteFor(desired(`old-${i}`))));
    const ids = Array.from({ length: 40 }, (_, i) => api.byName(`old-${i}`)!.id);
    const wanted = Array.from({ length: 40 }, (_, i) => renamed(api, `old-${i}`, `new-${i}`));
    const { plan, applied } = await sync(api, wanted, 16);
    expect(nameBatches(plan.operations.filter((op) => op.kind === 'rename'))).toHaveLength(1);
    expect(applied.failed).toBe(0);
    expect(api.maxInFlight).toBe(16);
    expect(ids.map((id) => api.connectors.get(id)?.name)).toEqual(wanted.map((d) => d.name));
  });

  it('keep chains and swaps in order among independent renames', async () => {
    const names = ['a', 'b', 'c', 'x', 'y', ...Array.from({ length: 10 }, (_, i) => `solo-${i}`)];
    const api = new SlowWrites().seed(names.map((name) => remoteFor(desired(name))));
    const idOf = new Map(names.map((name) => [name, api.byName(name)!.id]));
    const wanted = [
      renamed(api, 'a', 'b'), // a chain: b must leave first
      renamed(api, 'b', 'c'),
      renamed(api, 'c', 'd'),
      renamed(api, 'x', 'y'), // a swap: through a temporary name
      renamed(api, 'y', 'x'),
      ...Array.from({ length: 10 }, (_, i) => renamed(api, `solo-${i}`, `moved-${i}`)),
    ];
    const { plan, applied } = await sync(api, wanted, 8);
    expect(applied.results.filter((r) => r.status !== 'applied')).toEqual([]);
    expect(nameBatches(plan.operations.filter((op) => op.kind === 'rename')).length).toBeGreaterThan(1);
    expect(api.connectors.get(idOf.get('a')!)?.name).toBe('b');
    expect(api.connectors.get(idOf.get('b')!)?.name).toBe('c');
    expect(api.connectors.get(idOf.get('c')!)?.name).toBe('d');
    expect(api.connectors.get(idOf.get('x')!)?.name).toBe('y');
    expect(api.connectors.get(idOf.get('y')!)?.name).toBe('x');
    expect(api.connectors.get(idOf.get('solo-3')!)?.name).toBe('moved-3');
    expect(api.connectors.size).toBe(names.length);
    const again = planChanges(wanted, (await api.listConnectors()).items, planOptions({ prune: true }));
    expect(again.operations).toEqual([]);
  });

  it('never put two renames that share a name in one batch', () => {
    const op = (renamed_from: string, name: string) =>
      ({ kind: 'rename', name, renamed_from }) as Parameters<typeof nameBatches>[0][number];
    // a>b waits for b>c (it takes the name b frees); q>a waits for a>b and p>q; c>z only needs
    // b>c done; p>q shares no name with anything before it
    const batches = nameBatches([op('b', 'c'), op('a', 'b'), op('p', 'q'), op('c', 'z'), op('q', 'a')]);
    expect(batches.map((batch) => batch.map((o) => `${o.renamed_from}>${o.name}`))).toEqual([
      ['b>c', 'p>q'],
      ['a>b', 'c>z'],
      ['q>a'],
    ]);
    // a create of a name a rename frees (a saved plan may hold one) waits for that rename
    const create = { kind: 'create', name: 'b', renamed_from: null } as Parameters<
      typeof nameBatches
    >[0][number];
    expect(
      nameBatches([op('b', 'c'), create, op('x', 'y')]).map((batch) => batch.map((o) => o.name)),
    ).toEqual([['c', 'y'], ['b']]);
  });
});
