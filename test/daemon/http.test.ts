import { afterEach, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, TEST_TOKEN, waitFor } from './harness.js';
import { parsePrometheus, sampleValue } from './prometheus.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CANARY = 'canary-header-value-5b9e1f77';
const CANARY_SECRET = 'canary-client-secret-a41c09d2';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function ready(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  harness = await startHarness(options);
  const h = harness;
  await waitFor('the first reconcile', () => h.reconciles() >= 1 && !h.daemon.loop.busy);
  return h;
}

async function metrics(h: Harness) {
  const response = await h.request('GET', '/metrics');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(response.text);
}

describe('daemon: /metrics', () => {
  it('parses as Prometheus text and its counters move with reconciles', async () => {
    const h = await ready({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    const first = await metrics(h);
    expect(sampleValue(first, 'connector_sync_reconciles_total', { result: 'Applied' })).toBe(1);
    expect(sampleValue(first, 'connector_sync_operations_planned_total', { kind: 'create' })).toBe(1);
    expect(
      sampleValue(first, 'connector_sync_operations_applied_total', { kind: 'create', status: 'applied' }),
    ).toBe(1);
    expect(sampleValue(first, 'connector_sync_api_requests_total', { status: '200' })).toBeGreaterThan(0);
    expect(sampleValue(first, 'connector_sync_connectors', { state: 'in-sync' })).toBe(1);
    expect(sampleValue(first, 'connector_sync_ready')).toBe(1);
    expect(sampleValue(first, 'connector_sync_last_success_timestamp_seconds')).toBeGreaterThan(1.7e9);
    expect(sampleValue(first, 'connector_sync_reconcile_duration_seconds_count', { result: 'Applied' })).toBe(
      1,
    );

    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Changed' }));
    await waitFor('the second reconcile', () => h.reconciles() >= 2 && !h.daemon.loop.busy);
    const second = await metrics(h);
    expect(sampleValue(second, 'connector_sync_reconciles_total', { result: 'Applied' })).toBe(2);
    expect(
      sampleValue(second, 'connector_sync_operations_applied_total', { kind: 'update', status: 'applied' }),
    ).toBe(1);
    expect(sampleValue(second, 'connector_sync_api_requests_total')).toBeGreaterThan(
      sampleValue(first, 'connector_sync_api_requests_total'),
    );
  });

  it('counts retries and failed requests by status', async () => {
    const h = await ready({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    h.emulator.setFaults({ rules: [{ kind: 'error', status: 503, count: 1, methods: ['GET'] }] });
    h.daemon.trigger('control');
    await waitFor('the second reconcile', () => h.reconciles() >= 2 && !h.daemon.loop.busy);
    const samples = await metrics(h);
    expect(sampleValue(samples, 'connector_sync_api_requests_total', { status: '503' })).toBe(1);
    expect(sampleValue(samples, 'connector_sync_api_retries_total')).toBe(1);
  });
});

describe('daemon: control endpoints', () => {
  it('answer 403 with how to enable them when no token is configured', async () => {
    const h = await ready({ token: null, files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    for (const path of ['/reconcile', '/suspend', '/resume']) {
      const response = await h.request('POST', path, bearer(TEST_TOKEN));
      expect(response.status).toBe(403);
      expect(response.text).toContain('CONNECTOR_SYNC_CONTROL_TOKEN');
      expect(response.text).toContain('--control-token-file');
    }
    expect(h.view().suspended.control).toBe(false);
  });

  it('suspend and resume with the token: suspended, it plans and reports drift and writes nothing', async () => {
    const h = await ready({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    expect((await h.request('POST', '/suspend')).status).toBe(401);
    expect((await h.request('POST', '/suspend', bearer(`${TEST_TOKEN}x`))).status).toBe(401);
    expect((await h.request('GET', '/suspend')).status).toBe(405);
    expect(h.view().suspended.control).toBe(false);

    expect((await h.request('POST', '/suspend', bearer(TEST_TOKEN))).status).toBe(200);
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'While suspended' }));
    await waitFor(
      'a suspended reconcile',
      () => h.view().history[0]?.mode === 'suspended' && !h.daemon.loop.busy,
    );
    expect(h.emulator.store.get('alpha')?.description).toBe('The alpha connector');
    expect(h.view().connectors[0]).toMatchObject({ name: 'alpha', state: 'drift' });
    expect(h.view().history[0]).toMatchObject({
      phase: 'Planned',
      operations: [{ kind: 'update', status: 'planned' }],
    });

    expect((await h.request('POST', '/resume', bearer(TEST_TOKEN))).status).toBe(200);
    await waitFor(
      'the drift to be applied',
      () => h.emulator.store.get('alpha')?.description === 'While suspended',
    );
    expect((await h.request('POST', '/reconcile', bearer(TEST_TOKEN))).status).toBe(202);
    await waitFor('the requested reconcile', () => h.view().history[0]?.reasons.includes('control'));
  });

  it('the suspend and read_only settings are re-read on every reconcile; resume cannot override the file', async () => {
    const h = await ready({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    h.write('.connector-sync.yaml', 'suspend: true\n');
    await waitFor('the setting to suspend', () => h.view().suspended.setting && !h.daemon.loop.busy);
    const refused = await h.request('POST', '/resume', bearer(TEST_TOKEN));
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(/still suspended by the suspend setting/);

    h.write('.connector-sync.yaml', 'read_only: true\n');
    await waitFor('read-only mode', () => h.view().mode === 'read-only' && !h.daemon.loop.busy);
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Read-only' }));
    await waitFor('a read-only plan', () => h.view().history[0]?.operations[0]?.status === 'planned');
    expect(h.emulator.store.get('alpha')?.description).toBe('The alpha connector');

    h.write('.connector-sync.yaml', 'prune: false\n');
    await waitFor('the change applied', () => h.emulator.store.get('alpha')?.description === 'Read-only');
  });
});

describe('daemon: read-only endpoints', () => {
  it('serve health, readiness, status and auth links, and never show a secret', async () => {
    const h = await ready({
      env: { TEAM_KEY: CANARY, LINEAR_SECRET: CANARY_SECRET },
      files: {
        'connectors/alpha.yaml': `${connectorYaml('alpha')}headers:\n  X-Team-Key: \${env:TEAM_KEY}\n`,
        'connectors/linear.yaml': `${connectorYaml('linear')}auth_data:\n  client_id: linear-app\n  client_secret: \${env:LINEAR_SECRET}\n`,
      },
    });
    // the canary is really in use: the API received it
    expect(JSON.stringify(h.emulator.store.get('alpha'))).toContain(CANARY);

    expect((await h.request('GET', '/healthz')).text).toBe('ok\n');
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    const status = JSON.parse((await h.request('GET', '/status.json')).text);
    expect(status.pending_auth).toEqual([{ name: 'linear', auth_path: '/auth/linear' }]);
    expect(status.last_report.summary).toMatchObject({ create: 2, applied: 2 });
    const full = JSON.parse((await h.request('GET', '/status.json?all=1')).text);
    expect(full.last_report.plan.operations.map((op: { name: string }) => op.name)).toEqual([
      'alpha',
      'linear',
    ]);

    const auth = await h.request('GET', '/auth/linear');
    expect(auth.status).toBe(303);
    expect(auth.headers.get('location')).toMatch(
      new RegExp(`^${h.emulator.url}/_emulator/oauth/authorize\\?`),
    );
    expect((await h.request('GET', '/auth/alpha')).status).toBe(404);
    expect((await h.request('GET', '/nowhere')).status).toBe(404);
    expect((await h.request('POST', '/status.json')).status).toBe(405);

    const page = await h.request('GET', '/');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    for (const path of ['/', '/status.json', '/metrics', '/readyz']) {
      const body = (await h.request('GET', path)).text;
      expect(body).not.toContain(CANARY);
      expect(body).not.toContain(CANARY_SECRET);
    }
    expect(h.logs.length).toBeGreaterThan(5);
    expect(h.logs.join('')).not.toContain(CANARY);
    expect(h.logs.join('')).not.toContain(CANARY_SECRET);
  });

  it('pushes a changed header by itself (the fingerprint changed), without showing it', async () => {
    const h = await ready({
      files: { 'connectors/alpha.yaml': `${connectorYaml('alpha')}headers:\n  X-Team-Key: first-value\n` },
    });
    h.write('connectors/alpha.yaml', `${connectorYaml('alpha')}headers:\n  X-Team-Key: ${CANARY}\n`);
    await waitFor('the new header value at the API', () =>
      JSON.stringify(h.emulator.store.get('alpha')?.auth_methods).includes(CANARY),
    );
    const record = await waitFor('the record', () =>
      h.view().history.find((r) => r.reasons.includes('files')),
    );
    expect(record.operations).toMatchObject([{ kind: 'update', secrets: ['headers'], status: 'applied' }]);
    expect(JSON.stringify(h.view())).not.toContain(CANARY);
    expect(h.logs.join('')).not.toContain(CANARY);
  });
});
