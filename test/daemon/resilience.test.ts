import { renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, waitFor } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const names = (h: Harness) =>
  h.emulator.store
    .list()
    .map((c) => c.name)
    .sort();

async function idle(h: Harness): Promise<void> {
  await waitFor('the loop to be idle', () => !h.daemon.loop.busy);
}

describe('daemon: an invalid desired state', () => {
  it('is reported and ignored: the last good state stays, nothing is deleted, fixing it resumes', async () => {
    harness = await startHarness({
      flags: { prune: true },
      files: {
        'connectors/alpha.yaml': connectorYaml('alpha'),
        'connectors/beta.yaml': connectorYaml('beta'),
      },
    });
    const h = harness;
    await waitFor('both connectors', () => names(h).length === 2);
    await idle(h);

    // a half-finished edit: the YAML does not parse
    h.write(
      'connectors/beta.yaml',
      'name: beta\ndescription: "unclosed\nserver: https://beta.example.com/mcp\n',
    );
    await waitFor('the invalid state to be reported', () => h.view().config.valid === false);
    await idle(h);
    // someone edits alpha by hand meanwhile: the last good state still corrects the drift
    const alpha = h.emulator.store.get('alpha')!;
    await h.api.updateConnector(alpha.id, { description: 'Changed by hand in the UI' });
    h.daemon.trigger('control');
    await waitFor('a reconcile on the last good state', () =>
      h.view().history[0]?.reasons.includes('control'),
    );
    await idle(h);

    expect(names(h)).toEqual(['alpha', 'beta']);
    expect(h.emulator.store.get('alpha')?.description).toBe('The alpha connector');
    const view = h.view();
    expect(view.config).toMatchObject({ valid: false, using_last_good: true });
    expect(view.config.issues[0]?.location).toMatchObject({ file: 'connectors/beta.yaml' });
    expect(view.config.issues[0]!.location.line).toBeGreaterThan(0);
    expect(view.history[0]).toMatchObject({
      used_last_good: true,
      phase: 'Applied',
      operations: [{ kind: 'update', name: 'alpha', status: 'applied' }],
    });
    expect(view.ready).toBe(true);
    expect(
      h.logs.some((line) => line.includes('"level":"warn"') && line.includes('connectors/beta.yaml')),
    ).toBe(true);
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.text).toMatch(/^connector_sync_config_errors_total [1-9]/m);
    expect(metrics.text).toMatch(/^connector_sync_config_valid 0$/m);

    // deleting a file on purpose still prunes; a file that fails to parse never does
    h.write('connectors/beta.yaml', connectorYaml('beta', { description: 'Fixed' }));
    await waitFor('the fix to reach the API', () => h.emulator.store.get('beta')?.description === 'Fixed');
    await waitFor('the config to be valid again', () => h.view().config.valid === true);
    expect(h.view().config.issues).toEqual([]);
  });

  it('says what it does: with prune, the last good state still deletes what it does not declare', async () => {
    harness = await startHarness({
      flags: { prune: true },
      files: { 'connectors/alpha.yaml': connectorYaml('alpha') },
    });
    const h = harness;
    await waitFor('alpha', () => names(h).length === 1);
    await idle(h);

    h.write('connectors/alpha.yaml', 'name: alpha\nserver: [\n');
    await waitFor('the invalid state to be reported', () => h.view().config.valid === false);
    await idle(h);
    // made by hand while the files are broken: the last good state does not declare it
    await h.api.createConnector({
      name: 'gamma',
      description: 'By hand',
      server: 'https://gamma.example.com/mcp',
    });
    h.daemon.trigger('control');
    await waitFor('a reconcile on the last good state', () =>
      h.view().history[0]?.reasons.includes('control'),
    );
    await idle(h);

    expect(names(h)).toEqual(['alpha']);
    const warning = h.logs.find((line) => line.includes('the desired state is invalid'))!;
    expect(warning).not.toMatch(/nothing is deleted/);
    expect(warning).toMatch(
      /what the invalid change removed is not deleted; prune still deletes what the last good one does not declare/,
    );
  });

  it('a linked folder whose target is gone is invalid too: its connectors are not pruned', async () => {
    harness = await startHarness({
      flags: { prune: true },
      files: {
        'connectors/alpha.yaml': connectorYaml('alpha'),
        'teams/beta/beta.yaml': connectorYaml('beta'),
      },
      prepare: (dir) => symlinkSync(join(dir, 'teams', 'beta'), join(dir, 'connectors', 'beta')),
    });
    const h = harness;
    await waitFor('both connectors', () => names(h).length === 2);
    await idle(h);

    // the folder the link points at is renamed away (a volume unmounted, a checkout moved)
    renameSync(join(h.dir, 'teams', 'beta'), join(h.dir, 'teams', 'renamed'));
    h.daemon.trigger('control');
    await waitFor('the invalid state to be reported', () => h.view().config.valid === false);
    await idle(h);

    expect(names(h)).toEqual(['alpha', 'beta']);
    expect(h.view().config).toMatchObject({ valid: false, using_last_good: true });
    expect(h.view().config.issues[0]).toMatchObject({
      code: 'path-unreadable',
      location: { file: 'connectors/beta' },
    });
  });

  it('at start: nothing is reconciled, the daemon is not ready, and the fix starts it', async () => {
    harness = await startHarness({ files: { 'connectors/alpha.yaml': 'name: alpha\nserver: [\n' } });
    const h = harness;
    await waitFor('the invalid state to be reported', () => h.view().config.valid === false);
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.text).toMatch(/desired state is invalid/);
    expect(h.emulator.requestLog).toEqual([]);

    h.write('connectors/alpha.yaml', connectorYaml('alpha'));
    await waitFor('alpha', () => h.emulator.store.get('alpha'));
    await waitFor('readiness', async () => (await h.request('GET', '/readyz')).status === 200);
  });
});

describe('daemon: an API outage', () => {
  it('backs off, shows not ready, and recovers by itself when the API is back', async () => {
    harness = await startHarness({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    const h = harness;
    await waitFor('alpha', () => h.emulator.store.get('alpha'));
    await waitFor('readiness', async () => (await h.request('GET', '/readyz')).status === 200);

    await h.restartEmulator(0, async () => {
      h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Written during the outage' }));
      await waitFor('a failed reconcile', () => h.view().history[0]?.phase === 'ListFailed');
      await waitFor('a retry with backoff', () => h.daemon.loop.failures >= 3);
      const ready = await h.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.text).toMatch(/API is unreachable/);
      expect(h.view().api.reachable).toBe(false);
    });

    await waitFor(
      'the edit made during the outage to be applied',
      () => h.emulator.store.get('alpha')?.description === 'Written during the outage',
    );
    await waitFor('readiness again', async () => (await h.request('GET', '/readyz')).status === 200);
    expect(h.view().history[0]?.reasons).toContain('retry');
    expect(h.logs.some((line) => line.includes('retrying after a backoff'))).toBe(true);
  });

  it('recovers from dropped connections the same way', async () => {
    harness = await startHarness({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    const h = harness;
    await waitFor('alpha', () => h.emulator.store.get('alpha'));
    await idle(h);
    h.emulator.setFaults({ rules: [{ kind: 'drop', phase: 'before', count: 6 }] });
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Through dropped connections' }));
    await waitFor(
      'the edit to be applied',
      () => h.emulator.store.get('alpha')?.description === 'Through dropped connections',
    );
    expect(h.view().history.some((r) => r.phase === 'ListFailed')).toBe(true);
  });
});

describe('daemon: shutdown', () => {
  it('gives up waiting for a stuck write after the bound, and says so', async () => {
    harness = await startHarness({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    const h = harness;
    await waitFor('the first reconcile', () => h.reconciles() >= 1 && !h.daemon.loop.busy);
    // the update lands, then its answer trickles back for about three seconds
    h.emulator.setFaults({ rules: [{ kind: 'slow_body', writesOnly: true, chunkDelayMs: 100 }] });
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Slow answer' }));
    await waitFor(
      'the write to be in flight',
      () => h.emulator.store.get('alpha')?.description === 'Slow answer',
    );
    const started = Date.now();
    expect(await h.daemon.stop({ timeoutMs: 100 })).toEqual({ finished: false });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
