import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { openLedger } from '../../src/reconcile/ledger.js';
import { type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { savePlan } from '../../src/reconcile/saved-plan.js';
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

  it('checks expected tools after apply', async () => {
    const api = new FakeApi();
    const report = await runOnce(deps(api, [desired('a', { expect_tools: ['ask_question'] })]), settings());
    expect(report.tools).toEqual([{ name: 'a', status: 'missing', missing: ['ask_question'] }]);
  });
});
