import { afterEach, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, waitFor } from './harness.js';
import { parsePrometheus, sampleValue } from './prometheus.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const DRIBBLED_LISTING = {
  rules: [
    {
      kind: 'slow_body' as const,
      methods: ['GET'],
      path: '^/v1/connectors$',
      chunkDelayMs: 100,
      chunkBytes: 1,
    },
  ],
};

describe('daemon: a reconcile that overruns its budget', () => {
  it('is aborted, reported on the status and the metrics, and the next trigger runs', async () => {
    const h = await startHarness({
      files: { 'connectors/alpha.yaml': connectorYaml('alpha'), '.connector-sync.yaml': 'timeout: 2s\n' },
    });
    harness = h;
    await waitFor('the first reconcile', () => h.reconciles() >= 1 && !h.daemon.loop.busy);
    expect(h.view().history[0]?.phase).toBe('Applied');

    h.emulator.setFaults(DRIBBLED_LISTING);
    const before = h.reconciles();
    const started = Date.now();
    h.daemon.trigger('control');
    await waitFor('a timed-out reconcile', () =>
      h.view().history.some((r) => r.id > before && r.phase === 'TimedOut'),
    );
    // the budget (2s: room for the first reconcile on a loaded machine), not the dribble (minutes)
    expect(Date.now() - started).toBeLessThan(8000);
    const record = h.view().history.find((r) => r.phase === 'TimedOut')!;
    expect(record.ok).toBe(false);
    expect(record.error?.message).toMatch(/time budget of 2s/);
    expect(record.error?.hint).toMatch(/--timeout/);
    const status = await h.request('GET', '/');
    expect(status.text).toContain('TimedOut');
    const metrics = parsePrometheus((await h.request('GET', '/metrics')).text);
    expect(
      sampleValue(metrics, 'connector_sync_reconciles_total', { result: 'TimedOut' }),
    ).toBeGreaterThanOrEqual(1);
    expect(h.logs.some((line) => line.includes('"msg":"reconcile TimedOut"'))).toBe(true);

    // the API is quick again: the next trigger (here a file change) is not wedged behind the overrun
    h.emulator.setFaults({ rules: [] });
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Changed' }));
    await waitFor(
      'an applied reconcile after the overrun',
      () => h.view().history[0]?.phase === 'Applied' && h.reconciles() > before + 1,
    );
    expect((await h.api.getConnector('alpha')).description).toBe('Changed');
  });
});
