import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { openLedger } from '../../src/reconcile/ledger.js';
import { type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { savePlan } from '../../src/reconcile/saved-plan.js';
import type { Plan } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';

const now = () => new Date('2026-11-26T12:00:00Z');

function deps(api: FakeApi, connectors: DesiredConnector[], stateDir?: string, apiKey = 'test-key') {
  const loaded: LoadResult = { ok: true, state: { connectors, files: [] }, warnings: [] };
  return {
    api,
    apiUrl: 'http://emulator.test',
    now,
    loadDesired: async () => loaded,
    ...(stateDir
      ? { openLedger: () => openLedger(stateDir, 'http://emulator.test', new Secret(apiKey)) }
      : {}),
  };
}

function settings(overrides: Partial<RunSettings> = {}): RunSettings {
  const { listingComplete: _c, ...plan } = planOptions();
  return { dryRun: false, plan, concurrency: 4, authUrls: false, pushUnrecorded: false, ...overrides };
}

describe('runOnce', () => {
  it('plans without writing on a dry run', async () => {
    const api = new FakeApi();
    const report = await runOnce(deps(api, [desired('a')]), settings({ dryRun: true }));
    expect(report.phase).toBe('Planned');
    expect(report.plan?.operations.map((op) => op.kind)).toEqual(['create']);
    expect(api.calls).toEqual(['list']);
  });

  it('stops before the first API call when the desired state is invalid', async () => {
    const api = new FakeApi();
    const issue = {
      code: 'yaml-syntax',
      severity: 'error' as const,
      message: 'bad',
      location: { file: 'a.yaml', line: 1, column: 1 },
    };
    const report = await runOnce(
      { ...deps(api, []), loadDesired: async () => ({ ok: false, issues: [issue], warnings: [] }) },
      settings({ plan: { ...settings().plan, prune: true } }),
    );
    expect(report.phase).toBe('ConfigInvalid');
    expect(report.issues).toEqual([issue]);
    expect(api.calls).toEqual([]);
  });

  it('applies, then the next run has nothing to do', async () => {
    const api = new FakeApi();
    const wanted = [desired('a'), desired('b')];
    expect((await runOnce(deps(api, wanted), settings())).phase).toBe('Applied');
    const second = await runOnce(deps(api, wanted), settings());
    expect(second.plan?.operations).toEqual([]);
    expect(second.apply).toBeNull();
  });

  it('reports connectors waiting for OAuth, with a fresh URL and its expiry on request', async () => {
    const api = new FakeApi();
    const oauth = desired('gmail-team', {
      auth_data: { client_id: new Secret('id'), client_secret: new Secret('canary-s3cret') },
    });
    const report = await runOnce(
      deps(api, [oauth, desired('open')]),
      settings({ authUrls: true, authReturnUrl: 'https://example.com/back' }),
    );
    expect(report.pendingAuth).toEqual([
      {
        name: 'gmail-team',
        id: api.byName('gmail-team')!.id,
        authUrl: expect.stringContaining('https://'),
        expiresAt: '2026-11-26T12:10:00.000Z',
      },
    ]);
    expect(JSON.stringify(report)).not.toContain('canary-s3cret');
  });

  it('refuses a saved plan once the remote moved, naming what moved', async () => {
    const existing = remoteFor(desired('a'), { description: 'old' });
    const api = new FakeApi().seed([existing]);
    const wanted = [desired('a')];
    const dry = await runOnce(deps(api, wanted), settings({ dryRun: true }));
    const saved = savePlan(dry.plan!, {
      now: now(),
      toolVersion: 'test',
      apiUrl: 'http://emulator.test',
      desired: wanted,
    });
    await api.updateConnector(existing.id, { description: 'someone else' });
    const report = await runOnce(deps(api, wanted), settings({ savedPlan: saved }));
    expect(report.phase).toBe('PlanStale');
    expect(report.error?.message).toContain('a (modified)');
    expect(api.byName('a')?.description).toBe('someone else');
  });

  it('applies a saved plan exactly as reviewed when nothing moved', async () => {
    const api = new FakeApi().seed([remoteFor(desired('a'), { description: 'old' })]);
    const wanted = [desired('a')];
    const dry = await runOnce(deps(api, wanted), settings({ dryRun: true }));
    const saved = savePlan(dry.plan!, {
      now: now(),
      toolVersion: 'test',
      apiUrl: 'http://emulator.test',
      desired: wanted,
    });
    const report = await runOnce(
      deps(api, wanted),
      settings({ savedPlan: JSON.parse(JSON.stringify(saved)) }),
    );
    expect(report.phase).toBe('Applied');
    expect(api.byName('a')?.description).toBe('a connector');
  });

  describe('re-derives a saved plan and refuses any hand edit, with zero writes', () => {
    // a: in scope and out of date; b: in scope, no longer declared; secret-x: outside the scope
    const world = () => {
      const api = new FakeApi().seed([
        remoteFor(desired('a'), { description: 'old' }),
        remoteFor(desired('b')),
        remoteFor(desired('secret-x')),
      ]);
      return { api, wanted: [desired('a')] };
    };
    const scoped = (prune: boolean, maxDeletes = 50) =>
      settings({ plan: { ...settings().plan, scope: ['a', 'b'], prune, maxDeletes } });
    const reviewed = async (api: FakeApi, wanted: DesiredConnector[], prune: boolean, maxDeletes = 50) => {
      const dry = await runOnce(deps(api, wanted), { ...scoped(prune, maxDeletes), dryRun: true });
      const saved = savePlan(dry.plan!, {
        now: now(),
        toolVersion: 'test',
        apiUrl: 'http://emulator.test',
        desired: wanted,
      });
      return JSON.parse(JSON.stringify(saved)) as typeof saved;
    };
    type Edit = (plan: Plan, api: FakeApi) => void;
    const edits: Array<[string, Edit, boolean, boolean, string]> = [
      [
        'an extra delete of a connector outside --scope',
        (plan, api) => {
          const target = api.byName('secret-x')!;
          plan.operations.push({
            ...plan.operations[0]!,
            kind: 'delete',
            name: 'secret-x',
            remote: { id: target.id, name: target.name, modified_at: target.modified_at },
            changes: [],
            visibility: null,
            destructive: true,
            source: null,
          });
        },
        false,
        false,
        'delete "secret-x" (id "',
      ],
      [
        "an update aimed at another connector's id",
        (plan, api) => {
          plan.operations[0]!.remote!.id = api.byName('secret-x')!.id;
        },
        false,
        false,
        'update "a" (id "',
      ],
      [
        "a forged field in an update's after",
        (plan) => {
          plan.operations[0]!.changes[0]!.after = 'https://attacker.example.com/mcp';
        },
        false,
        false,
        'update "a"',
      ],
      [
        'a delete turned into a replace',
        (plan) => {
          const op = plan.operations.find((o) => o.kind === 'delete')!;
          op.kind = 'replace';
        },
        true,
        true,
        'replace "b"',
      ],
      ['a plan made with --prune, applied without it', () => {}, true, false, 'delete "b"'],
      ['a plan made without --prune, applied with it', () => {}, false, true, 'plan file does not hold'],
    ];
    it.each(edits)('%s', async (_label, edit, madeWithPrune, appliedWithPrune, named) => {
      const { api, wanted } = world();
      const saved = await reviewed(api, wanted, madeWithPrune);
      edit(saved.plan, api);
      const before = api.calls.length;
      const report = await runOnce(deps(api, wanted), { ...scoped(appliedWithPrune), savedPlan: saved });
      expect(report.phase).toBe('PlanRefused');
      expect(report.error).toMatchObject({ code: 'PLAN_REFUSED' });
      expect(report.error?.message).toContain(named);
      expect(api.calls.slice(before)).toEqual(['list']);
    });

    it('an honest plan still applies, with the flags it was made with', async () => {
      const { api, wanted } = world();
      const saved = await reviewed(api, wanted, true);
      const report = await runOnce(deps(api, wanted), { ...scoped(true), savedPlan: saved });
      expect(report.phase).toBe('Applied');
      expect(report.plan?.operations.map((op) => `${op.kind}:${op.name}`)).toEqual(['update:a', 'delete:b']);
      expect(api.byName('b')).toBeUndefined();
      expect(api.byName('secret-x')).toBeDefined();
    });

    it('a refusal removed from the file does not lift it: the guards are re-derived too', async () => {
      const { api, wanted } = world();
      const saved = await reviewed(api, wanted, true, 0);
      expect(saved.plan.refusals.map((r) => r.code)).toEqual(['too-many-deletes']);
      saved.plan.refusals = [];
      const before = api.calls.length;
      const report = await runOnce(deps(api, wanted), { ...scoped(true, 0), savedPlan: saved });
      expect(report.phase).toBe('PlanRefused');
      expect(report.plan?.refusals.map((r) => r.code)).toEqual(['too-many-deletes']);
      expect(api.calls.slice(before)).toEqual(['list']);
    });
  });

  it('remembers pushed secrets by keyed fingerprint and pushes a changed value by itself', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const v1 = [desired('a', { headers: headers({ 'X-Key': 'canary-one' }) })];
    await runOnce(deps(api, v1, stateDir), settings());
    const same = await runOnce(deps(api, v1, stateDir), settings());
    expect(same.plan?.in_sync).toEqual(['a']);
    expect(same.plan?.unverified).toEqual([]);
    const v2 = [desired('a', { headers: headers({ 'X-Key': 'canary-two' }) })];
    const changed = await runOnce(deps(api, v2, stateDir), settings());
    expect(changed.plan?.operations[0]?.secrets?.reason).toBe('fingerprint');
    expect(api.secrets.get(api.byName('a')!.id)?.headers).toEqual({ 'X-Key': 'canary-two' });
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const file of readdirSync(stateDir))
      expect(readFileSync(join(stateDir, file), 'latin1')).not.toContain('canary');
  });

  it('keeps one ledger per workspace: a push with the staging key does not vouch for prod', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const v1 = [desired('a', { headers: headers({ 'X-Key': 'canary-one' }) })];
    const v2 = [desired('a', { headers: headers({ 'X-Key': 'canary-two' }) })];
    // the same connector id in both, so only the workspace tells the records apart
    const [staging, prod] = [new FakeApi(), new FakeApi()];
    const remote = remoteFor(v1[0]!);
    staging.seed([remote]);
    prod.seed([remote]);
    const push = settings({ plan: { ...settings().plan, pushSecrets: ['*'] } });
    await runOnce(deps(staging, v1, stateDir, 'canary-staging-key'), push);
    await runOnce(deps(prod, v1, stateDir, 'canary-prod-key'), push);
    await runOnce(deps(staging, v2, stateDir, 'canary-staging-key'), settings());
    const prodRun = await runOnce(deps(prod, v2, stateDir, 'canary-prod-key'), settings());
    expect(prodRun.plan?.operations[0]?.secrets?.reason).toBe('fingerprint');
    expect(prod.secrets.get(remote.id)?.headers).toEqual({ 'X-Key': 'canary-two' });
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const file of readdirSync(stateDir))
      expect(readFileSync(join(stateDir, file), 'latin1')).not.toContain('canary');
  });

  it('calls a connector re-created by hand (a new id, no values) not verified', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const wanted = [desired('a', { headers: headers({ 'X-Key': 'canary-one' }) })];
    await runOnce(deps(api, wanted, stateDir), settings());
    const old = api.byName('a')!;
    await api.deleteConnector(old.id);
    await api.createConnector({ name: 'a', description: old.description, server: old.server ?? '' });
    const after = await runOnce(deps(api, wanted, stateDir), settings({ dryRun: true }));
    expect(after.plan?.in_sync).toEqual([]);
    expect(after.plan?.unverified).toEqual([{ name: 'a', fields: ['headers'] }]);
  });

  it('ignores a ledger file of another format: not verified once, no crash', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const wanted = [desired('a', { headers: headers({ 'X-Key': 'canary-one' }) })];
    await runOnce(deps(api, wanted, stateDir), settings());
    const { readdirSync, writeFileSync } = await import('node:fs');
    for (const file of readdirSync(stateDir).filter((name) => name.startsWith('secrets-'))) {
      const old = { version: 1, api_url: 'http://emulator.test', connectors: { a: { fingerprint: 'x' } } };
      writeFileSync(join(stateDir, file), JSON.stringify(old));
    }
    const after = await runOnce(deps(api, wanted, stateDir), settings());
    expect(after.phase).toBe('Applied');
    expect(after.plan?.unverified).toEqual([{ name: 'a', fields: ['headers'] }]);
  });

  it('reads a version 2 record (one fingerprint, written after PATCHes the API ignores) as unknown: not verified, not pushed', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const wanted = [desired('a', { headers: headers({ 'X-Key': 'canary-one' }) })];
    await runOnce(deps(api, wanted, stateDir), settings());
    const { readdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const id = api.byName('a')!.id;
    for (const file of readdirSync(stateDir).filter((name) => name.startsWith('secrets-'))) {
      const current = JSON.parse(readFileSync(join(stateDir, file), 'utf8'));
      const old = { ...current, version: 2, connectors: { [id]: { fingerprint: 'x', secretVersion: null } } };
      writeFileSync(join(stateDir, file), JSON.stringify(old));
    }
    const after = await runOnce(deps(api, wanted, stateDir), settings({ dryRun: true }));
    expect(after.phase).toBe('Planned');
    expect(after.plan?.operations).toEqual([]);
    expect(after.plan?.unverified).toEqual([{ name: 'a', fields: ['headers'] }]);
  });

  it('records only the value groups a 2xx request carried: an update cannot carry the metadata URL', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const wanted = desired('a', {
      headers: headers({ 'X-Key': 'canary-one' }),
      oauth2_server_metadata_url: 'https://auth.example.com/.well-known/oauth-authorization-server',
    });
    api.seed([remoteFor(wanted)]);
    const push = settings({ plan: { ...settings().plan, pushSecrets: ['a'] } });
    const pushed = await runOnce(deps(api, [wanted], stateDir), push);
    expect(pushed.plan?.operations[0]?.secrets?.fields).toEqual(['headers']);
    expect(pushed.plan?.unverified).toEqual([{ name: 'a', fields: ['oauth2_server_metadata_url'] }]);
    const after = await runOnce(deps(api, [wanted], stateDir), settings({ dryRun: true }));
    expect(after.plan?.operations).toEqual([]);
    expect(after.plan?.unverified).toEqual([{ name: 'a', fields: ['oauth2_server_metadata_url'] }]);
  });

  it('records nothing when the PATCH that carried the values failed', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const wanted = desired('a', { headers: headers({ 'X-Key': 'canary-one' }) });
    api.seed([remoteFor(wanted)]);
    api.failures.push({ method: 'update', name: 'a', error: new ConnectorSyncError('API_SERVER', 'boom') });
    const push = settings({ plan: { ...settings().plan, pushSecrets: ['a'] } });
    expect((await runOnce(deps(api, [wanted], stateDir), push)).phase).toBe('ApplyFailed');
    const after = await runOnce(deps(api, [wanted], stateDir), settings({ dryRun: true }));
    expect(after.plan?.unverified).toEqual([{ name: 'a', fields: ['headers'] }]);
  });

  it('a changed metadata URL (known from the create) is a replace, refused without --allow-replace', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'csync-ledger-'));
    const api = new FakeApi();
    const url = (path: string) =>
      desired('a', { oauth2_server_metadata_url: `https://auth.example.com/${path}` });
    await runOnce(deps(api, [url('one')], stateDir), settings());
    expect(
      (await runOnce(deps(api, [url('one')], stateDir), settings({ dryRun: true }))).plan?.in_sync,
    ).toEqual(['a']);
    const refused = await runOnce(deps(api, [url('two')], stateDir), settings());
    expect(refused.phase).toBe('PlanRefused');
    expect(refused.plan?.refusals.map((r) => r.flag)).toEqual(['--allow-replace']);
    expect(refused.plan?.operations[0]?.changes).toContainEqual({
      field: 'oauth2_server_metadata_url',
      before: null,
      after: 'https://auth.example.com/two',
    });
    const allowed = settings({ plan: { ...settings().plan, allowReplace: true } });
    expect((await runOnce(deps(api, [url('two')], stateDir), allowed)).phase).toBe('Applied');
    expect(
      (await runOnce(deps(api, [url('two')], stateDir), settings({ dryRun: true }))).plan?.in_sync,
    ).toEqual(['a']);
  });

  it('checks expected tools after apply', async () => {
    const api = new FakeApi();
    const report = await runOnce(deps(api, [desired('a', { expect_tools: ['ask_question'] })]), settings());
    expect(report.tools).toEqual([{ name: 'a', status: 'missing', missing: ['ask_question'] }]);
  });
});
