import { describe, expect, it } from 'vitest';
import type { ConnectorsApi } from '../../src/api/types.js';
import type { DesiredConnector, LoadResult } from '../../src/config/types.js';
import { DaemonMetrics } from '../../src/daemon/metrics.js';
import { renderStatusPage } from '../../src/daemon/page.js';
import { DaemonStatus, type StatusView } from '../../src/daemon/status.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { type RunReport, type RunSettings, runOnce } from '../../src/reconcile/run-once.js';
import { Secret } from '../../src/secret.js';
import { FakeApi } from '../support/fake-api.js';
import { desired, headers, planOptions, remoteFor } from '../support/fixtures.js';

const CANARY = 'canary-secret-6f1d2a';
const now = () => new Date('2026-11-26T12:00:00Z');

async function run(
  api: ConnectorsApi,
  connectors: DesiredConnector[],
  dryRun = false,
  protect: string[] = [],
): Promise<RunReport> {
  const loaded: LoadResult = { ok: true, state: { connectors, files: ['connectors/a.yaml'] }, warnings: [] };
  const { listingComplete: _c, ...plan } = planOptions({ protect });
  const settings: RunSettings = { dryRun, plan, concurrency: 4, authUrls: false, pushUnrecorded: true };
  return runOnce({ api, apiUrl: 'http://api.test', now, loadDesired: async () => loaded }, settings);
}

function newStatus(historyLimit = 20) {
  return new DaemonStatus({
    now,
    apiUrl: 'http://api.test',
    toolVersion: '0.0.0-test',
    readOnly: false,
    historyLimit,
  });
}

const withSecrets = () => [
  desired('alpha', { headers: headers({ 'X-Key': CANARY }) }),
  desired('beta', { auth_data: { client_id: new Secret('id'), client_secret: new Secret(CANARY) } }),
];

describe('DaemonStatus', () => {
  it('shows each connector in sync after an apply, the ones waiting for auth, and the reconcile', async () => {
    const api = new FakeApi();
    const status = newStatus();
    const report = await run(api, withSecrets());
    status.recordLoad(
      { ok: true, state: { connectors: [], files: ['connectors/a.yaml'] }, warnings: [] },
      false,
    );
    status.recordRun(report, { reasons: ['start'], mode: 'apply', usedLastGood: false });
    const view = status.view();
    expect(view.ready).toBe(true);
    expect(view.connectors.map((c) => [c.name, c.state, c.waiting_for_auth])).toEqual([
      ['alpha', 'in-sync', false],
      ['beta', 'in-sync', true],
    ]);
    expect(view.connectors[0]!.last_change).toMatch(/^2026-01-01T/);
    expect(view.pending_auth).toEqual([{ name: 'beta', auth_path: '/auth/beta' }]);
    expect(status.pendingAuthId('beta')).toBe(api.byName('beta')!.id);
    expect(status.pendingAuthId('alpha')).toBeUndefined();
    expect(view.history[0]).toMatchObject({ id: 1, phase: 'Applied', ok: true, reasons: ['start'] });
    expect(view.history[0]!.operations.map((op) => [op.kind, op.name, op.status, op.secrets])).toEqual([
      ['create', 'alpha', 'applied', ['headers']],
      ['create', 'beta', 'applied', ['auth_data']],
    ]);
    expect(JSON.stringify(view)).not.toContain(CANARY);
  });

  it('shows pending changes as drift while suspended, and a failed write as failed', async () => {
    const api = new FakeApi();
    const status = newStatus();
    await run(api, [desired('alpha'), desired('beta')]);
    const changed = [
      desired('alpha', { description: 'new words' }),
      desired('beta', { description: 'other' }),
    ];
    status.recordRun(await run(api, changed, true), {
      reasons: ['files'],
      mode: 'suspended',
      usedLastGood: false,
    });
    expect(status.view().connectors.map((c) => [c.name, c.state, c.detail])).toEqual([
      ['alpha', 'drift', 'update pending (description)'],
      ['beta', 'drift', 'update pending (description)'],
    ]);
    api.failures.push({
      method: 'update',
      name: 'beta',
      error: new ConnectorSyncError('API_VALIDATION', 'bad server'),
    });
    status.recordRun(await run(api, changed), { reasons: ['files'], mode: 'apply', usedLastGood: false });
    expect(status.view().connectors.map((c) => [c.name, c.state, c.detail])).toEqual([
      ['alpha', 'in-sync', null],
      ['beta', 'failed', 'update failed: bad server'],
    ]);
  });

  it('shows a declared connector that is left alone, with the reason', async () => {
    const status = newStatus();
    status.recordRun(await run(new FakeApi(), [desired('alpha'), desired('beta')], false, ['beta']), {
      reasons: ['start'],
      mode: 'apply',
      usedLastGood: false,
    });
    expect(status.view().connectors.map((c) => [c.name, c.state])).toEqual([
      ['alpha', 'in-sync'],
      ['beta', 'untouched'],
    ]);
    expect(status.view().connectors[1]!.detail).toMatch(/protected or outside the scope/);
  });

  it('keeps the connector table and says why it is not ready when the API is down', async () => {
    const api = new FakeApi();
    const status = newStatus();
    status.recordLoad({ ok: true, state: { connectors: [], files: [] }, warnings: [] }, false);
    status.recordRun(await run(api, [desired('alpha')]), {
      reasons: ['start'],
      mode: 'apply',
      usedLastGood: false,
    });
    api.listConnectors = async () => {
      throw new ConnectorSyncError('API_NETWORK', 'connection refused', { retryable: true });
    };
    status.recordRun(await run(api, [desired('alpha')]), {
      reasons: ['retry'],
      mode: 'apply',
      usedLastGood: false,
    });
    const view = status.view();
    expect(view.ready).toBe(false);
    expect(view.not_ready).toEqual(['the API is unreachable: connection refused']);
    expect(view.connectors.map((c) => c.name)).toEqual(['alpha']);
    expect(view.history.map((r) => r.phase)).toEqual(['ListFailed', 'Applied']);
  });

  it('says the API rejected the key, not that it is unreachable, when it answers 401', async () => {
    const api = new FakeApi();
    const status = newStatus();
    status.recordLoad({ ok: true, state: { connectors: [], files: [] }, warnings: [] }, false);
    api.listConnectors = async () => {
      throw new ConnectorSyncError('API_UNAUTHORIZED', 'the API rejected the API key (HTTP 401)');
    };
    status.recordRun(await run(api, [desired('alpha')]), {
      reasons: ['start'],
      mode: 'apply',
      usedLastGood: false,
    });
    expect(status.view().not_ready).toEqual([
      'the API rejected the key: the API rejected the API key (HTTP 401)',
    ]);
  });

  it('says on the status page that the key was rejected (401 or 403) and what to do, not "unreachable"', async () => {
    const cases: Array<[string, ConnectorSyncError, RegExp]> = [
      [
        '401',
        new ConnectorSyncError(
          'API_UNAUTHORIZED',
          'The API rejected the API key (HTTP 401 on GET /v1/connectors): set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE.',
        ),
        /restart the daemon/,
      ],
      [
        '403',
        new ConnectorSyncError(
          'API_UNAUTHORIZED',
          'The API refused GET /v1/connectors for this API key (HTTP 403).',
          {
            hint: "check that the key's user may do this",
          },
        ),
        /check that the key&#39;s user may do this|check that the key's user may do this/,
      ],
    ];
    for (const [label, error, hint] of cases) {
      const api = new FakeApi();
      const status = newStatus();
      api.listConnectors = async () => {
        throw error;
      };
      status.recordRun(await run(api, [desired('alpha')]), {
        reasons: ['start'],
        mode: 'apply',
        usedLastGood: false,
      });
      const view = status.view();
      expect(view.api, label).toMatchObject({ reachable: false, problem: 'key_rejected' });
      expect(view.api.hint, label).toMatch(hint);
      const page = renderStatusPage(view);
      const api_fact = page.slice(page.indexOf('<b>API</b>'), page.indexOf('<b>Last reconcile</b>'));
      expect(api_fact, label).not.toMatch(/unreachable/);
      expect(api_fact, label).toMatch(/key rejected/);
      expect(api_fact, label).toContain(`HTTP ${label}`);
      expect(api_fact, label).toMatch(hint);
    }
  });

  it('is not ready before a valid desired state, and shows config issues with their place', () => {
    const status = newStatus();
    const issue = {
      code: 'yaml-syntax',
      severity: 'error' as const,
      message: 'unclosed quote',
      location: { file: 'connectors/a.yaml', line: 3, column: 7 },
    };
    status.recordLoad({ ok: false, issues: [issue], warnings: [] }, false);
    const view = status.view();
    expect(view.ready).toBe(false);
    expect(view.not_ready[0]).toMatch(/invalid and no valid one was loaded yet/);
    expect(view.config).toMatchObject({ valid: false, using_last_good: false, issues: [issue] });
  });

  it('never shows a reconcile that held connectors back as ok: held warnings on the page, status.json, metrics', async () => {
    const status = newStatus();
    const alpha = desired('alpha');
    const api = new FakeApi().seed([
      remoteFor(alpha, { id: 'a1a1a1a1-0000-4000-8000-000000000001' }),
      remoteFor(alpha, { id: 'a2a2a2a2-0000-4000-8000-000000000002' }),
    ]);
    status.recordLoad({ ok: true, state: { connectors: [], files: [] }, warnings: [] }, false);
    status.recordRun(await run(api, [alpha, desired('beta')]), {
      reasons: ['start'],
      mode: 'apply',
      usedLastGood: false,
    });
    const view = JSON.parse(JSON.stringify(status.view())) as StatusView;
    expect(view.history[0]).toMatchObject({
      phase: 'Applied',
      ok: false,
      held: [
        {
          code: 'ambiguous-name',
          name: 'alpha',
          ids: ['a1a1a1a1-0000-4000-8000-000000000001', 'a2a2a2a2-0000-4000-8000-000000000002'],
        },
      ],
    });
    expect(view.history[0]!.held[0]!.message).toContain('a2a2a2a2-0000-4000-8000-000000000002');
    expect(view.last_success_at).toBeNull();
    expect(view.connectors.map((c) => [c.name, c.state])).toEqual([
      ['alpha', 'held'],
      ['beta', 'in-sync'],
    ]);

    const page = renderStatusPage(view);
    expect(page).toContain('id="held"');
    expect(page).toContain('a1a1a1a1-0000-4000-8000-000000000001');
    expect(page).not.toMatch(/badge ok">Applied/);

    const metrics = new DaemonMetrics({
      apiStats: () => api.stats(),
      gauges: () => status.gauges(),
      processMetrics: false,
    });
    const text = await metrics.render();
    expect(text).toMatch(/^connector_sync_held_back 1$/m);
    expect(text).toMatch(/^connector_sync_connectors\{state="held"\} 1$/m);
    expect(text).toMatch(/^connector_sync_last_success_timestamp_seconds 0$/m);
  });

  it('keeps only the last reconciles', async () => {
    const status = newStatus(3);
    const api = new FakeApi();
    for (let i = 0; i < 5; i += 1)
      status.recordRun(await run(api, [desired('alpha')]), {
        reasons: ['schedule'],
        mode: 'apply',
        usedLastGood: false,
      });
    expect(status.view().history.map((r) => r.id)).toEqual([5, 4, 3]);
  });

  it('counts connectors by state for the metrics', async () => {
    const status = newStatus();
    status.recordRun(await run(new FakeApi(), withSecrets()), {
      reasons: ['start'],
      mode: 'apply',
      usedLastGood: false,
    });
    expect(status.gauges()).toMatchObject({
      connectorsByState: { 'in-sync': 2, drift: 0, failed: 0 },
      pendingAuth: 1,
      suspended: false,
    });
  });

  it('is suspended while the endpoint or the setting says so', () => {
    const status = newStatus();
    status.setSuspension({ control: true });
    status.setSuspension({ setting: true });
    status.setSuspension({ control: false });
    expect(status.suspended).toBe(true);
    expect(status.view()).toMatchObject({ mode: 'suspended', suspended: { control: false, setting: true } });
    status.setSuspension({ setting: false });
    expect(status.view().suspended.since).toBeNull();
  });
});
