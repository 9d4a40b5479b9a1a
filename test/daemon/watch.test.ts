import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorYaml, type Harness, startHarness, waitFor } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** What the kubelet does: a new timestamped folder, a new ..data link renamed over the old one. */
function publishConfigMap(config: string, version: string, files: Record<string, string>): void {
  mkdirSync(join(config, version), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(config, version, name), text);
  symlinkSync(version, join(config, '..data_tmp'));
  renameSync(join(config, '..data_tmp'), join(config, '..data'));
  for (const name of Object.keys(files)) {
    try {
      symlinkSync(join('..data', name), join(config, name));
    } catch {
      // the per-file link exists already and follows ..data
    }
  }
}

const description = (h: Harness, name: string) => h.emulator.store.get(name)?.description;

async function started(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  harness = await startHarness(options);
  const h = harness;
  await waitFor('the first reconcile', () => h.reconciles() >= 1 && !h.daemon.loop.busy);
  return h;
}

describe('daemon: file changes', () => {
  it('applies an edit within the debounce and a few round trips', async () => {
    const h = await started({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    expect(description(h, 'alpha')).toBe('The alpha connector');
    h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: 'Edited by hand' }));
    await waitFor('the edit to reach the API', () => description(h, 'alpha') === 'Edited by hand', 3000);
    const record = await waitFor('the reconcile to be recorded', () =>
      h.view().history.find((r) => r.reasons.includes('files')),
    );
    expect(record).toMatchObject({ phase: 'Applied', operations: [{ kind: 'update', name: 'alpha' }] });
  });

  it('turns a burst of 50 edits into at most two reconciles, ending at the last edit', async () => {
    const h = await started({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    const before = h.reconciles();
    for (let i = 1; i <= 50; i += 1) {
      h.write('connectors/alpha.yaml', connectorYaml('alpha', { description: `Edit number ${i}` }));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor('the last edit to reach the API', () => description(h, 'alpha') === 'Edit number 50');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a late extra run would show by now
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);
    expect(h.reconciles() - before).toBeGreaterThanOrEqual(1);
    expect(h.reconciles() - before).toBeLessThanOrEqual(2);
  });

  it('sees new and removed files and folders, and ignores editor temp files', async () => {
    const h = await started({
      files: { 'connectors/alpha.yaml': connectorYaml('alpha') },
      flags: { prune: true },
    });
    h.write('connectors/team/beta.yaml', connectorYaml('beta'));
    await waitFor('beta in a new folder to be created', () => h.emulator.store.get('beta'));
    h.remove('connectors/team');
    await waitFor('beta to be pruned with its folder', () => !h.emulator.store.get('beta'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);

    const count = h.reconciles();
    const logged = h.logs.length;
    for (const temp of ['.alpha.yaml.swp', 'alpha.yaml~', '.#alpha.yaml', '4913', 'alpha.yaml___jb_tmp___'])
      h.write(`connectors/${temp}`, 'junk: [');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(h.logs.slice(logged).filter((line) => line.includes('files changed'))).toEqual([]);
    expect(h.reconciles()).toBe(count);
  });

  it('follows an atomic save (write to a temp file, rename over the original)', async () => {
    const h = await started({ files: { 'connectors/alpha.yaml': connectorYaml('alpha') } });
    h.write('connectors/.alpha.yaml.tmp', connectorYaml('alpha', { description: 'Saved atomically' }));
    renameSync(join(h.dir, 'connectors/.alpha.yaml.tmp'), join(h.dir, 'connectors/alpha.yaml'));
    await waitFor('the atomic save to reach the API', () => description(h, 'alpha') === 'Saved atomically');
  });

  it('sees a Kubernetes ConfigMap update (the ..data symlink swapped to a new folder)', async () => {
    harness = await startHarness({ paths: ['config'] });
    const h = harness;
    const config = join(h.dir, 'config');
    const publish = (version: string, files: Record<string, string>) =>
      publishConfigMap(config, version, files);
    mkdirSync(config, { recursive: true });
    publish('..2026_11_26_12_00_00.1', { 'alpha.yaml': connectorYaml('alpha') });
    h.daemon.trigger('control');
    await waitFor('alpha from the ConfigMap', () => h.emulator.store.get('alpha'));
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);

    publish('..2026_11_26_12_05_00.2', {
      'alpha.yaml': connectorYaml('alpha', { description: 'From the new ConfigMap' }),
      'beta.yaml': connectorYaml('beta'),
    });
    rmSync(join(config, '..2026_11_26_12_00_00.1'), { recursive: true });
    await waitFor(
      'the swapped ConfigMap to reach the API',
      () => description(h, 'alpha') === 'From the new ConfigMap',
    );
    await waitFor('beta from the swapped ConfigMap', () => h.emulator.store.get('beta'));
  });

  it('sees a ConfigMap update when watching one file of it (a link through ..data)', async () => {
    harness = await startHarness({
      paths: ['config/alpha.yaml'],
      prepare: (dir) =>
        publishConfigMap(join(dir, 'config'), '..2026_11_26_12_00_00.1', {
          'alpha.yaml': connectorYaml('alpha'),
        }),
    });
    const h = harness;
    const config = join(h.dir, 'config');
    await waitFor('alpha from the ConfigMap', () => h.emulator.store.get('alpha'));
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);
    await new Promise((resolve) => setTimeout(resolve, 200));

    publishConfigMap(config, '..2026_11_26_12_05_00.2', {
      'alpha.yaml': connectorYaml('alpha', { description: 'Swapped under a watched file' }),
    });
    rmSync(join(config, '..2026_11_26_12_00_00.1'), { recursive: true });
    await waitFor(
      'the swap to reach the API',
      () => description(h, 'alpha') === 'Swapped under a watched file',
    );
  });

  it("sees git-sync's swap of the `current` link to a new worktree", async () => {
    harness = await startHarness({
      paths: ['repo/current/connectors'],
      files: { 'repo/.worktrees/aaa/connectors/alpha.yaml': connectorYaml('alpha') },
    });
    const h = harness;
    symlinkSync('.worktrees/aaa', join(h.dir, 'repo/current'));
    h.daemon.trigger('control');
    await waitFor('alpha from the first commit', () => h.emulator.store.get('alpha'));
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);
    // wait for the watchers to be rebuilt on the link that now exists
    await new Promise((resolve) => setTimeout(resolve, 200));

    h.write(
      'repo/.worktrees/bbb/connectors/alpha.yaml',
      connectorYaml('alpha', { description: 'Next commit' }),
    );
    symlinkSync('.worktrees/bbb', join(h.dir, 'repo/current-tmp'));
    renameSync(join(h.dir, 'repo/current-tmp'), join(h.dir, 'repo/current'));
    await waitFor('the new commit to reach the API', () => description(h, 'alpha') === 'Next commit');

    // and an edit inside the new worktree is seen too: the watcher moved to it
    await waitFor('the loop to be idle', () => !h.daemon.loop.busy);
    await new Promise((resolve) => setTimeout(resolve, 200));
    h.write(
      'repo/.worktrees/bbb/connectors/alpha.yaml',
      connectorYaml('alpha', { description: 'Edited in place' }),
    );
    await waitFor('the edit in the new worktree', () => description(h, 'alpha') === 'Edited in place');
  });
});
