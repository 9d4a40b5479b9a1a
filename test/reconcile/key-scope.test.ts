import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import type { ConnectorListing, RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { applyPlan } from '../../src/reconcile/apply.js';
import { openLedger } from '../../src/reconcile/ledger.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { Secret } from '../../src/secret.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, planOptions } from '../support/fixtures.js';

/** An API key whose connector access scope is "Shared connectors only": private ones are hidden. */
class SharedOnlyKey extends FakeApi {
  override async listConnectors(): Promise<ConnectorListing> {
    const listing = await super.listConnectors();
    return { ...listing, items: listing.items.filter((c) => c.visibility !== 'private') };
  }

  override async getConnector(idOrName: string): Promise<RemoteConnector> {
    const found = await super.getConnector(idOrName);
    if (found.visibility === 'private') throw new ConnectorSyncError('API_NOT_FOUND', 'not found');
    return found;
  }
}

const now = () => new Date('2026-11-26T12:00:00Z');

function deps(api: FakeApi, connectors: DesiredConnector[], stateDir: string) {
  const loaded: LoadResult = { ok: true, state: { connectors, files: [] }, warnings: [] };
  return {
    api,
    apiUrl: 'http://emulator.test',
    now,
    loadDesired: async () => loaded,
    openLedger: () => openLedger(stateDir, 'http://emulator.test', new Secret('test-key')),
  };
}

function settings(): RunSettings {
  const { listingComplete: _c, ...plan } = planOptions();
  return { dryRun: false, plan, concurrency: 1, authUrls: false, pushUnrecorded: false };
}

const creates = (api: FakeApi) => api.calls.filter((call) => call.startsWith('create'));

describe('the key-scope trap', () => {
  it('a private connector the get right after its create cannot see stops the run, and no other private create starts', async () => {
    const api = new SharedOnlyKey();
    const wanted = [
      desired('notes', { visibility: 'private' }),
      desired('diary', { visibility: 'private' }),
      desired('wiki'),
    ];
    const plan = planChanges(wanted, [], planOptions());
    const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency: 1 });
    const byName = new Map(applied.results.map((r) => [r.operation.name, r]));
    // the plan runs in name order: diary is created and cannot be read back; notes never starts
    const diary = byName.get('diary')!;
    expect(diary).toMatchObject({ status: 'failed', cause: { code: 'KEY_SCOPE_HIDES_PRIVATE' } });
    expect(diary.remote?.name).toBe('diary');
    expect(diary.cause!.message).toContain('a get by id right after cannot see it');
    expect(diary.cause!.message).toContain('"Shared connectors only"');
    expect(diary.cause!.hint).toContain('"Private and shared connectors"');
    expect(diary.cause!.hint).toContain('visibility: shared_workspace');
    expect(byName.get('notes')).toMatchObject({
      status: 'failed',
      cause: { code: 'KEY_SCOPE_HIDES_PRIVATE' },
    });
    expect(byName.get('wiki')!.status).toBe('applied');
    expect(creates(api)).toEqual(['create diary', 'create wiki']);
  });

  it('reads nothing back when the listing already showed a private connector', async () => {
    const api = new FakeApi();
    const wanted = [desired('notes', { visibility: 'private' })];
    const plan = planChanges(wanted, [], planOptions());
    const map = new Map(wanted.map((d) => [d.name, d]));
    await applyPlan(plan, map, api, { concurrency: 1, privateSeen: true });
    expect(api.calls.filter((call) => call.startsWith('get'))).toEqual([]);
  });

  it('the next run remembers the creation and stops before a second create, exit-worthy, with the sentence', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'key-scope-'));
    const api = new SharedOnlyKey();
    const wanted = [desired('notes', { visibility: 'private' })];
    const first = await runOnce(deps(api, wanted, stateDir), settings());
    expect(first.phase).toBe('ApplyFailed');
    const second = await runOnce(deps(api, wanted, stateDir), settings());
    expect(second.phase).toBe('PlanRefused');
    expect(second.error?.code).toBe('KEY_SCOPE_HIDES_PRIVATE');
    expect(second.error?.message).toContain('"Shared connectors only"');
    expect(second.error?.message).toContain('the listing does not show it');
    expect(creates(api)).toEqual(['create notes']);
    expect(api.connectors.size).toBe(1);
  });

  it('a remembered connector deleted by hand is created again once the key shows it sees private connectors', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'key-scope-'));
    const api = new FakeApi();
    const wanted = [desired('notes', { visibility: 'private' }), desired('diary', { visibility: 'private' })];
    await runOnce(deps(api, wanted, stateDir), settings());
    api.connectors.delete(api.byName('notes')!.id);
    const again = await runOnce(deps(api, wanted, stateDir), settings());
    expect(again.phase).toBe('Applied');
    expect(creates(api).sort()).toEqual(['create diary', 'create notes', 'create notes']);
  });

  it('a 403 on a shared_org write says only organization admins manage those', async () => {
    const api = new FakeApi();
    const refused = new ApiError(
      'API_UNAUTHORIZED',
      'The API refused POST /v1/connectors for this API key (HTTP 403).',
      {
        status: 403,
        method: 'POST',
        path: '/v1/connectors',
        requestId: null,
        retryable: false,
        outcomeUnknown: false,
      },
    );
    api.failures.push({ method: 'create', name: 'org-wiki', error: refused });
    api.failures.push({ method: 'create', name: 'team-wiki', error: refused });
    const wanted = [desired('org-wiki', { visibility: 'shared_org' }), desired('team-wiki')];
    const plan = planChanges(wanted, [], planOptions());
    const applied = await applyPlan(plan, new Map(wanted.map((d) => [d.name, d])), api, { concurrency: 1 });
    const [org, team] = applied.results;
    expect(org!.cause!.message).toContain(
      'only organization admins can create, change or delete shared_org connectors',
    );
    expect(org!.cause!.hint).toContain('organization admin');
    expect(team!.cause!.message).not.toContain('only organization admins');
  });
});
