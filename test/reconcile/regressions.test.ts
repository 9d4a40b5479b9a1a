/**
 * Bugs a review planted in a copy of the code that `npm test` once let through, four of them in
 * safety or secret logic. Each test here fails with its bug planted (see each name) and guards the
 * invariant the README states.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredConnector } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { applyPlan, nameBatches } from '../../src/reconcile/apply.js';
import { fingerprintGroups } from '../../src/reconcile/fingerprint.js';
import { planChanges } from '../../src/reconcile/plan.js';
import type { Operation } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';
import { SlowWrites } from '../support/slow-api.js';

const KEY = Buffer.alloc(32, 7);

/** `count` managed remote connectors svc-00..; the desired state keeps the first `keep`. */
function pruning(count: number, keep: number) {
  const all = Array.from({ length: count }, (_, i) => desired(`svc-${String(i).padStart(2, '0')}`));
  return planChanges(
    all.slice(0, keep),
    all.map((d) => remoteFor(d)),
    planOptions({ prune: true }),
  );
}

function oauth(clientSecret: string | null): DesiredConnector {
  return desired('crm', {
    auth_data: {
      client_id: new Secret('client-1'),
      client_secret: clientSecret === null ? null : new Secret(clientSecret),
    },
  });
}

describe('regressions a planted bug once slipped past', () => {
  it('the share limit of the delete guard applies from exactly deleteGuardMinimum managed connectors (>= planted as >)', () => {
    // 4 of 10 is 40%, over the 30% limit, with 10 the minimum count at which the share is judged
    expect(pruning(10, 6).refusals.map((r) => r.code)).toEqual(['too-many-deletes']);
    // one fewer managed connector and the share is not judged yet; exactly 30% is not over it
    expect(pruning(9, 5).refusals).toEqual([]);
    expect(pruning(10, 7).refusals).toEqual([]);
  });

  it('an OAuth client_secret rotation changes the fingerprint, so the new secret is pushed', () => {
    const before = fingerprintGroups(oauth('secret-old'), KEY)!;
    const after = fingerprintGroups(oauth('secret-new'), KEY)!;
    expect(after.auth_data).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(after.auth_data).not.toBe(before.auth_data);
    expect(fingerprintGroups(oauth(null), KEY)!.auth_data).not.toBe(before.auth_data);
    // and the planner turns the moved fingerprint into a push of auth_data (records are by connector id)
    const remote = remoteFor(oauth('secret-new'));
    const plan = planChanges([oauth('secret-new')], [remote], planOptions(), {
      records: new Map([[remote.id, { fingerprints: before, secretVersion: null }]]),
      fingerprints: new Map([['crm', after]]),
      pushUnrecorded: false,
    });
    expect(plan.operations.map((op) => op.secrets)).toEqual([
      { fields: ['auth_data'], reason: 'fingerprint' },
    ]);
  });

  it('a swap of two connectors with identical contents left in the files plans nothing, run after run', () => {
    const contents = { description: 'same', server: 'https://mcp.example.com/same' };
    const a = remoteFor(desired('a', contents));
    const b = remoteFor(desired('b', contents));
    const wanted = [
      desired('a', { ...contents, renamed_from: 'b' }),
      desired('b', { ...contents, renamed_from: 'a' }),
    ];
    const plan = planChanges(wanted, [a, b], planOptions({ prune: true }));
    expect(plan.operations).toEqual([]);
    expect(plan.in_sync).toEqual(['a', 'b']);
  });

  it('a delete answered 404 whose connector is still listed under the same id fails, not applied', async () => {
    const stuck = remoteFor(desired('stuck'));
    const api = new FakeApi().seed([stuck]);
    api.failures.push({
      method: 'delete',
      name: 'stuck',
      error: new ConnectorSyncError('API_NOT_FOUND', `connector ${stuck.id} not found`),
    });
    const plan = planChanges([], [stuck], planOptions({ prune: true, allowEmpty: true }));
    const applied = await applyPlan(plan, new Map(), api, { concurrency: 1 });
    expect(applied.failed).toBe(1);
    expect(applied.results[0]?.status).toBe('failed');
    expect(applied.results[0]?.cause?.code).toBe('API_NOT_FOUND');
    expect(api.byName('stuck')?.id).toBe(stuck.id);
  });

  describe('renames and creates in batches (once caught only by test:faults)', () => {
    const op = (kind: Operation['kind'], name: string, renamed_from: string | null = null) =>
      ({ kind, name, renamed_from }) as Operation;
    const labels = (batches: Operation[][]) =>
      batches.map((batch) => batch.map((o) => (o.renamed_from ? `${o.renamed_from}>${o.name}` : o.name)));

    it('an operation waits for every earlier one that shares a name, old or new, and no longer', () => {
      const batches = nameBatches([
        op('rename', 'c', 'b'),
        op('rename', 'b', 'a'),
        op('rename', 'q', 'p'),
        op('rename', 'z', 'c'),
        op('rename', 'a', 'q'),
        op('create', 'p'),
        op('update', 'solo'),
      ]);
      expect(labels(batches)).toEqual([['b>c', 'p>q', 'solo'], ['a>b', 'c>z', 'p'], ['q>a']]);
    });

    it('a chain, a swap and a create of a freed name never PATCH into a taken name, at any concurrency', async () => {
      const names = ['a', 'b', 'c', 'x', 'y', 'solo'];
      const api = new SlowWrites().seed(names.map((name) => remoteFor(desired(name))));
      const idOf = new Map(names.map((name) => [name, api.byName(name)!.id]));
      const renamed = (from: string, to: string) => {
        const remote = api.byName(from)!;
        return desired(to, { renamed_from: from, description: remote.description, server: remote.server! });
      };
      const wanted = [
        renamed('a', 'b'),
        renamed('b', 'c'),
        renamed('c', 'd'),
        renamed('x', 'y'),
        renamed('y', 'x'),
        renamed('solo', 'moved'),
        desired('fresh'),
      ];
      const plan = planChanges(wanted, (await api.listConnectors()).items, planOptions({ prune: true }));
      const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency: 8 });
      expect(applied.results.filter((r) => r.status !== 'applied')).toEqual([]);
      expect(api.maxInFlight).toBeGreaterThan(1);
      const nameOf = (old: string) => api.connectors.get(idOf.get(old)!)?.name;
      expect(['a', 'b', 'c', 'x', 'y', 'solo'].map(nameOf)).toEqual(['b', 'c', 'd', 'y', 'x', 'moved']);
      expect(api.byName('fresh')).toBeDefined();
    });
  });
});
