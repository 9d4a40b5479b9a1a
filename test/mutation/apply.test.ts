/** The applier's recovery paths, one by one: what it does when the API says something unexpected. */
import { describe, expect, it } from 'vitest';
import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { planChanges } from '../../src/reconcile/plan.js';
import type { OperationResult, Plan } from '../../src/reconcile/types.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const byName = (wanted: DesiredConnector[]) => new Map(wanted.map((d) => [d.name, d]));

async function apply(api: FakeApi, wanted: DesiredConnector[], plan?: Plan) {
  const planned =
    plan ??
    planChanges(wanted, (await api.listConnectors()).items, planOptions({ prune: true, allowReplace: true }));
  const seen: [string, number, number][] = [];
  const applied = await applyPlan(planned, byName(wanted), api, {
    concurrency: 2,
    onResult: (result, done, total) => seen.push([result.operation.name, done, total]),
  });
  return { plan: planned, applied, seen };
}

describe('applyPlan, path by path', () => {
  it('reports each result as it lands, with how many are done of how many', async () => {
    const api = new FakeApi().seed([remoteFor(desired('old'))]);
    const { seen, applied } = await apply(api, [desired('a'), desired('b')]);
    expect(seen.map(([, done, total]) => [done, total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(seen.at(-1)?.[0]).toBe('old');
    expect(applied).toMatchObject({ failed: 0 });
    expect(applied.results.map((r) => [r.operation.kind, r.operation.name, r.status])).toEqual([
      ['create', 'a', 'applied'],
      ['create', 'b', 'applied'],
      ['delete', 'old', 'applied'],
    ]);
  });

  it('keeps the fields the run reads after the apply of the connector the API answered with, and no more', async () => {
    const api = new FakeApi();
    const { applied } = await apply(api, [desired('a', { title: 'A', system_prompt: 'p' })]);
    const remote = applied.results[0]?.remote as RemoteConnector;
    const stored = api.byName('a')!;
    // not the system prompt, server, title, icon, active or mistral flags: held per operation
    // until the run ends, and nothing after the apply reads them
    expect(Object.keys(remote).sort()).toEqual(
      [
        'created_at',
        'description',
        'id',
        'is_authenticated',
        'modified_at',
        'name',
        'owner_type',
        'private_tool_execution',
        'visibility',
      ].sort(),
    );
    for (const key of Object.keys(remote) as (keyof RemoteConnector)[])
      expect(remote[key]).toEqual(stored[key]);
  });

  it('refuses to create or update what the desired state no longer holds', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'), { description: 'old' })]);
    const wanted = [desired('a'), desired('b')];
    const plan = planChanges(wanted, (await api.listConnectors()).items, planOptions());
    const applied = await applyPlan(plan, new Map(), api, { concurrency: 1 });
    expect(applied.failed).toBe(2);
    expect(applied.results.map((r) => [r.cause?.code, r.cause?.message])).toEqual([
      ['PLAN_STALE', 'b is no longer in the desired state'],
      ['PLAN_STALE', 'a is no longer in the desired state'],
    ]);
    expect(api.calls.filter((c) => c !== 'list')).toEqual([]);
  });

  it('adopts a connector whose create was refused as a name already taken (409 or a 422 that says so)', async () => {
    for (const error of [
      new ConnectorSyncError('API_CONFLICT', 'conflict'),
      new ConnectorSyncError('API_VALIDATION', 'name: Already Exists'),
      new ConnectorSyncError('API_VALIDATION', 'name is already taken'),
      new ConnectorSyncError('API_VALIDATION', 'violates UNIQUE constraint'),
    ]) {
      const api = new FakeApi();
      await api.createConnector({
        name: 'a',
        description: 'theirs',
        server: 'https://other.example.com/mcp',
        visibility: 'shared_workspace',
      });
      api.failures.push({ method: 'create', name: 'a', error });
      const { applied } = await apply(api, [desired('a')], planChanges([desired('a')], [], planOptions()));
      expect(applied.results[0]).toMatchObject({
        status: 'applied',
        note: 'adopted the existing connector of that name',
      });
      expect(api.byName('a')?.description).toBe('a connector');
    }
  });

  it('fails a create refused for another reason, and a 422 that is not about the name', async () => {
    for (const error of [
      new ConnectorSyncError('API_VALIDATION', 'server: invalid URL'),
      new ConnectorSyncError('API_SERVER', 'already exists'),
    ]) {
      const api = new FakeApi();
      api.failures.push({ method: 'create', name: 'a', error });
      const { applied } = await apply(api, [desired('a')]);
      expect(applied.results[0]).toMatchObject({ status: 'failed', cause: error });
      expect(api.calls).not.toContain('get a');
    }
  });

  it('fails a conflict on create when no connector of that name can be found', async () => {
    const api = new FakeApi();
    const conflict = new ConnectorSyncError('API_CONFLICT', 'conflict');
    api.failures.push({ method: 'create', name: 'a', error: conflict });
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]).toMatchObject({ status: 'failed', cause: conflict });
    expect(api.connectors.size).toBe(0);
  });

  it('creates once more when a lost create did not happen', async () => {
    const api = new FakeApi();
    const lost = new ConnectorSyncError('API_NETWORK', 'reset', { outcomeUnknown: true });
    api.failures.push({ method: 'create', name: 'a', error: lost });
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]?.status).toBe('applied');
    expect(applied.results[0]?.note).toBeUndefined();
    expect(applied.results[0]?.remote?.name).toBe('a');
    expect(api.calls.filter((c) => c.startsWith('create'))).toEqual(['create a', 'create a']);
  });

  it('does not look up a failed create whose outcome is known', async () => {
    const api = new FakeApi();
    const known = new ConnectorSyncError('API_NETWORK', 'refused');
    api.failures.push({ method: 'create', name: 'a', error: known });
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]?.status).toBe('failed');
  });

  it('converges on the connector that replaced the one an update met as 404', async () => {
    const old = remoteFor(desired('a'), { description: 'old', visibility: 'shared_workspace' });
    const api = new FakeApi().seed([old]);
    const wanted = [desired('a', { visibility: 'private' })];
    const plan = planChanges(wanted, [old], planOptions());
    api.connectors.delete(old.id);
    await api.createConnector({
      name: 'a',
      description: 'new',
      server: 'https://mcp.example.com/a',
      visibility: 'shared_workspace',
    });
    const applied = await applyPlan(plan, byName(wanted), api, { concurrency: 1 });
    expect(applied.results[0]).toMatchObject({
      status: 'applied',
      note: 'it had been replaced: converged on the new one',
      remote: { name: 'a', description: 'a connector', visibility: 'private' },
    });
    expect(api.byName('a')).toMatchObject({ description: 'a connector', visibility: 'private' });
    expect(api.calls).toContain('unshare a');
  });

  it('creates again a connector an update met as deleted, and says so', async () => {
    const old = remoteFor(desired('a'), { description: 'old' });
    const api = new FakeApi().seed([old]);
    const plan = planChanges([desired('a')], [old], planOptions());
    api.connectors.delete(old.id);
    const applied = await applyPlan(plan, byName([desired('a')]), api, { concurrency: 1 });
    expect(applied.results[0]).toMatchObject({
      status: 'applied',
      note: 'it had been deleted: created again',
    });
  });

  it('fails an update that fails otherwise than 404', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'), { description: 'old' })]);
    const boom = new ConnectorSyncError('API_SERVER', 'HTTP 500');
    api.failures.push({ method: 'update', name: 'a', error: boom });
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]).toMatchObject({ status: 'failed', cause: boom });
    expect(api.calls).not.toContain('get a');
  });

  it('records the new visibility of a share or unshare, and calls no PATCH when only that changed', async () => {
    const api = new FakeApi().seed([
      remoteFor(desired('a'), { visibility: 'private' }),
      remoteFor(desired('b'), { visibility: 'shared_workspace' }),
      remoteFor(desired('c'), { visibility: 'private', description: 'old' }),
    ]);
    const { applied } = await apply(api, [
      desired('a', { visibility: 'shared_workspace' }),
      desired('b', { visibility: 'private' }),
      desired('c', { visibility: 'shared_workspace' }),
    ]);
    expect(api.calls.filter((c) => c !== 'list').sort()).toEqual([
      'share a',
      'share c',
      'unshare b',
      'update c',
    ]);
    expect(applied.results.map((r) => [r.operation.name, r.remote?.visibility])).toEqual([
      ['a', undefined],
      ['b', undefined],
      ['c', 'shared_workspace'],
    ]);
    expect(applied.results.map((r) => r.remote === undefined)).toEqual([true, true, false]);
  });

  it('refuses to converge across a visibility only a replace can change', async () => {
    const api = new FakeApi();
    await api.createConnector({
      name: 'a',
      description: 'a connector',
      server: 'https://mcp.example.com/a',
      visibility: 'shared_org',
    });
    api.failures.push({
      method: 'create',
      name: 'a',
      error: new ConnectorSyncError('API_CONFLICT', 'taken'),
    });
    const { applied } = await apply(api, [desired('a')], planChanges([desired('a')], [], planOptions()));
    const result = applied.results[0] as OperationResult;
    expect(result.status).toBe('failed');
    expect(result.cause?.code).toBe('API_CONFLICT');
    expect(result.cause?.message).toBe(
      'a exists with visibility shared_org; changing it to shared_workspace needs a replace',
    );
    expect(result.cause?.hint).toBe('run sync again to plan the replace, with --allow-replace');
  });

  it('replaces: deletes, then creates, and says so', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'), { visibility: 'shared_org' })]);
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]).toMatchObject({ status: 'applied', note: 'replaced: deleted, then created' });
    expect(api.calls.filter((c) => c !== 'list')).toEqual(['delete a', 'create a']);
    expect(api.byName('a')?.visibility).toBe('shared_workspace');
  });

  it('counts a delete the API reports as already gone as applied, and says so', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'))]);
    api.deleteConnector = async () => ({ alreadyGone: true }) as never;
    const { applied } = await apply(api, [desired('keep')]);
    expect(applied.results.find((r) => r.operation.kind === 'delete')).toMatchObject({
      status: 'applied',
      note: 'already deleted',
    });
  });

  it('fails a delete that fails otherwise than 404, without looking it up', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'))]);
    const boom = new ConnectorSyncError('API_SERVER', 'HTTP 503');
    api.failures.push({ method: 'delete', name: 'a', error: boom });
    const { applied } = await apply(api, [desired('keep')]);
    expect(applied.results.find((r) => r.operation.kind === 'delete')).toMatchObject({
      status: 'failed',
      cause: boom,
    });
    expect(api.calls).not.toContain('get a');
  });

  it('fails when the look-up after a 404 fails otherwise than 404', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'))]);
    api.failures.push({
      method: 'delete',
      name: 'a',
      error: new ConnectorSyncError('API_NOT_FOUND', 'gone?'),
    });
    const boom = new ConnectorSyncError('API_SERVER', 'HTTP 500');
    api.failures.push({ method: 'get', error: boom });
    const { applied } = await apply(api, [desired('keep')]);
    expect(applied.results.find((r) => r.operation.kind === 'delete')).toMatchObject({
      status: 'failed',
      cause: boom,
    });
  });

  it('turns an unexpected throw into a failed result with an internal error', async () => {
    const api = new FakeApi();
    api.createConnector = async () => {
      throw new TypeError('boom');
    };
    const { applied } = await apply(api, [desired('a')]);
    expect(applied.results[0]?.status).toBe('failed');
    expect(applied.results[0]?.cause).toBeInstanceOf(ConnectorSyncError);
    expect(applied.failed).toBe(1);
  });

  it('says why an operation was skipped when interrupted, and a plain delete carries no note', async () => {
    const api = new FakeApi().seed([remoteFor(desired('old'))]);
    const controller = new AbortController();
    controller.abort();
    const plan = planChanges([desired('a')], [], planOptions());
    const skipped = await applyPlan(plan, byName([desired('a')]), api, {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(skipped.results[0]).toMatchObject({ status: 'skipped', note: 'not started: interrupted' });
    const { applied } = await apply(api, [desired('keep')]);
    const deleted = applied.results.find((r) => r.operation.kind === 'delete');
    expect(deleted).toEqual({ operation: deleted?.operation, status: 'applied' });
  });

  it('spares a newcomer of a deleted name, and says so', async () => {
    const gone = remoteFor(desired('gone'));
    const api = new FakeApi();
    await api.createConnector({ name: 'gone', description: 'new', server: 'https://x.example.com' });
    const plan = planChanges([], [gone], planOptions({ prune: true, allowEmpty: true }));
    const applied = await applyPlan(plan, new Map(), api, { concurrency: 1 });
    expect(applied.results[0]).toMatchObject({
      status: 'skipped',
      note: 'a new connector of that name appeared since the plan: not deleted',
    });
    const none = await applyPlan(plan, new Map(), new FakeApi(), { concurrency: 1 });
    expect(none.results[0]).toMatchObject({ status: 'applied', note: 'already deleted' });
  });

  it('adopts a private connector by sharing it, and refuses to adopt across an organization-wide visibility', async () => {
    const adopt = async (
      existing: 'private' | 'shared_workspace' | 'shared_org',
      wanted: DesiredConnector,
    ) => {
      const api = new FakeApi();
      await api.createConnector({
        name: 'a',
        description: 'a connector',
        server: 'https://mcp.example.com/a',
        visibility: existing,
      });
      api.failures.push({
        method: 'create',
        name: 'a',
        error: new ConnectorSyncError('API_CONFLICT', 'taken'),
      });
      const { applied } = await apply(api, [wanted], planChanges([wanted], [], planOptions()));
      return { api, result: applied.results[0] as OperationResult };
    };
    const shared = await adopt('private', desired('a'));
    expect(shared.result.status).toBe('applied');
    expect(shared.api.calls).toContain('share a');
    for (const existing of ['private', 'shared_workspace'] as const) {
      const { api, result } = await adopt(existing, desired('a', { visibility: 'shared_org' }));
      expect(result.cause?.code).toBe('API_CONFLICT');
      expect(api.calls.filter((c) => c.startsWith('share') || c.startsWith('unshare'))).toEqual([]);
    }
    const orgWide = await adopt('shared_org', desired('a', { visibility: 'private' }));
    expect(orgWide.result.cause?.code).toBe('API_CONFLICT');
    expect(orgWide.api.calls).not.toContain('unshare a');
  });

  it('fails, and adopts nothing, when a create throws something that is not an API error', async () => {
    const api = new FakeApi();
    await api.createConnector({
      name: 'a',
      description: 'theirs',
      server: 'https://other.example.com/mcp',
      visibility: 'shared_workspace',
    });
    api.createConnector = async () => {
      throw new TypeError('boom');
    };
    const { applied } = await apply(api, [desired('a')], planChanges([desired('a')], [], planOptions()));
    expect(applied.results[0]?.status).toBe('failed');
    expect(api.byName('a')?.description).toBe('theirs');
  });
});
