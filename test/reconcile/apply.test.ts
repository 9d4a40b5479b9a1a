import { describe, expect, it } from 'vitest';
import type { DesiredConnector } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { planChanges } from '../../src/reconcile/plan.js';
import type { PlanOptions } from '../../src/reconcile/types.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';

/** Plans against the fake's current state and applies. */
async function sync(api: FakeApi, wanted: DesiredConnector[], options: Partial<PlanOptions> = {}) {
  const { items } = await api.listConnectors();
  const plan = planChanges(wanted, items, planOptions(options));
  const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency: 4 });
  return { plan, applied };
}

async function replan(api: FakeApi, wanted: DesiredConnector[], options: Partial<PlanOptions> = {}) {
  return planChanges(wanted, (await api.listConnectors()).items, planOptions(options));
}

describe('applyPlan', () => {
  it('converges: after an apply the next plan is empty', async () => {
    const api = new FakeApi().seed([
      remoteFor(desired('b'), { description: 'stale' }),
      remoteFor(desired('gone')),
    ]);
    const wanted = [
      desired('a', { system_prompt: 'Hello\n' }),
      desired('b'),
      desired('c', { visibility: 'private' }),
    ];
    const { applied } = await sync(api, wanted, { prune: true });
    expect(applied.failed).toBe(0);
    expect((await replan(api, wanted, { prune: true })).operations).toEqual([]);
    expect(api.byName('gone')).toBeUndefined();
  });

  it('sends secrets on create, never in the plan', async () => {
    const api = new FakeApi();
    const wanted = [desired('a', { headers: headers({ Authorization: 'Bearer canary-42' }) })];
    const { plan } = await sync(api, wanted);
    expect(JSON.stringify(plan)).not.toContain('canary-42');
    expect(api.secrets.get(api.byName('a')!.id)?.headers).toEqual({ Authorization: 'Bearer canary-42' });
  });

  it('runs deletes last', async () => {
    const api = new FakeApi().seed([remoteFor(desired('old'))]);
    await sync(api, [desired('new')], { prune: true });
    expect(api.calls.filter((c) => c !== 'list')).toEqual(['create new', 'delete old']);
  });

  it('continues past a failed operation and reports its cause', async () => {
    const api = new FakeApi();
    api.failures.push({
      method: 'create',
      name: 'b',
      error: new ConnectorSyncError('API_SERVER', 'HTTP 500'),
    });
    const { applied } = await sync(api, [desired('a'), desired('b'), desired('c')]);
    expect(applied.failed).toBe(1);
    const failed = applied.results.find((r) => r.status === 'failed');
    expect(failed?.operation.name).toBe('b');
    expect(failed?.cause?.code).toBe('API_SERVER');
    expect(api.byName('c')).toBeDefined();
    const again = await sync(api, [desired('a'), desired('b'), desired('c')]);
    expect(again.applied.failed).toBe(0);
    expect(api.connectors.size).toBe(3);
  });

  it('converges on a connector another writer created meanwhile', async () => {
    const api = new FakeApi();
    const wanted = [desired('a', { description: 'mine' })];
    const plan = planChanges(wanted, [], planOptions());
    await api.createConnector({ name: 'a', description: 'theirs', server: 'https://other.example.com/mcp' });
    const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency: 1 });
    expect(applied.results[0]?.note).toMatch(/adopted/);
    expect(api.connectors.size).toBe(1);
    expect(api.byName('a')?.description).toBe('mine');
  });

  it('never duplicates a create whose answer was lost', async () => {
    const api = new FakeApi();
    const lost = Object.assign(new ConnectorSyncError('API_NETWORK', 'socket hang up'), {
      outcomeUnknown: true,
    });
    api.failures.push({ method: 'create', name: 'a', error: lost, afterEffect: true });
    const { applied } = await sync(api, [desired('a')]);
    expect(applied.failed).toBe(0);
    expect(api.connectors.size).toBe(1);
    expect(api.calls).toContain('get a');
  });

  it('re-reads on a 404 during update: a connector deleted meanwhile is created again', async () => {
    const existing = remoteFor(desired('a'), { description: 'old' });
    const api = new FakeApi().seed([existing]);
    const wanted = [desired('a')];
    const plan = planChanges(wanted, [existing], planOptions());
    api.connectors.delete(existing.id);
    const applied = await applyPlan(plan, new Map([['a', wanted[0]!]]), api, { concurrency: 1 });
    expect(applied.failed).toBe(0);
    expect(api.byName('a')?.description).toBe('a connector');
  });

  it('treats a delete of something already gone as done, and spares a newcomer of the same name', async () => {
    const gone = remoteFor(desired('gone'));
    const api = new FakeApi();
    const plan = planChanges([], [gone], planOptions({ prune: true, allowEmpty: true }));
    const first = await applyPlan(plan, new Map(), api, { concurrency: 1 });
    expect(first.results[0]?.note).toBe('already deleted');
    await api.createConnector({ name: 'gone', description: 'new', server: 'https://x.example.com' });
    const second = await applyPlan(plan, new Map(), api, { concurrency: 1 });
    expect(second.results[0]?.status).toBe('skipped');
    expect(api.byName('gone')).toBeDefined();
  });

  it('swaps two names without a conflict', async () => {
    const a = remoteFor(desired('a'));
    const b = remoteFor(desired('b'));
    const api = new FakeApi().seed([a, b]);
    const wanted = [
      desired('a', { renamed_from: 'b', description: b.description, server: b.server! }),
      desired('b', { renamed_from: 'a', description: a.description, server: a.server! }),
    ];
    const { applied } = await sync(api, wanted, { prune: true });
    expect(applied.failed).toBe(0);
    expect(api.byName('a')?.id).toBe(b.id);
    expect(api.byName('b')?.id).toBe(a.id);
  });

  it('shares and unshares through their endpoints', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'), { visibility: 'private' })]);
    await sync(api, [desired('a', { visibility: 'shared_workspace' })]);
    expect(api.calls).toContain('share a');
    expect(api.byName('a')?.visibility).toBe('shared_workspace');
  });

  it('starts nothing new once aborted, and says so', async () => {
    const api = new FakeApi();
    const controller = new AbortController();
    controller.abort();
    const wanted = [desired('a'), desired('b')];
    const plan = planChanges(wanted, [], planOptions());
    const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(applied.results.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(api.connectors.size).toBe(0);
  });
});
