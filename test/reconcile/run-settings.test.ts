/**
 * One builder turns settings (file < environment < flags < defaults under them) and the per-run
 * flags into a run's settings, for `sync` and the daemon alike: they cannot plan under different rules.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { SyncFlags } from '../../src/cli/commands/sync.js';
import { planFlags, settingsFromFlags } from '../../src/cli/options.js';
import { syncRunSettings } from '../../src/cli/sync-run.js';
import { DEFAULT_SETTINGS, loadSettings } from '../../src/config/settings.js';
import { reconcileRunSettings } from '../../src/daemon/reconciler.js';
import { buildRunSettings, DELETE_GUARD_MINIMUM } from '../../src/reconcile/run-settings.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'run-settings-'));
  await writeFile(
    join(cwd, '.connector-sync.yaml'),
    'prune: true\nmax_deletes: 7\nmax_delete_percent: 40\nconcurrency: 4\nscope: [team-a-*]\n',
  );
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const noFlags = { allowEmpty: false, allowReplace: false, forceDeletes: false, pushSecrets: [] };
const context = { dryRun: false, authUrls: false, pushUnrecorded: false };

async function settingsFor(flags: SyncFlags, env: Record<string, string> = {}) {
  return loadSettings({ cwd, env, flags: settingsFromFlags(flags) });
}

describe('buildRunSettings', () => {
  test('with no file, no variable and no flag, the run gets the defaults', async () => {
    await rm(join(cwd, '.connector-sync.yaml'));
    const run = buildRunSettings(await settingsFor({} as SyncFlags), noFlags, context);
    expect(run.plan).toMatchObject({
      prune: DEFAULT_SETTINGS.prune,
      maxDeletes: DEFAULT_SETTINGS.maxDeletes,
      maxDeleteFraction: DEFAULT_SETTINGS.maxDeletePercent / 100,
      deleteGuardMinimum: DELETE_GUARD_MINIMUM,
      scope: [],
      protect: [],
      pushSecrets: [],
    });
    expect(run.concurrency).toBe(DEFAULT_SETTINGS.concurrency);
    expect(run.timeoutMs).toBe(DEFAULT_SETTINGS.timeoutMs);
  });

  test('the settings file overrides the defaults', async () => {
    const run = buildRunSettings(await settingsFor({} as SyncFlags), noFlags, context);
    expect(run.plan).toMatchObject({
      prune: true,
      maxDeletes: 7,
      maxDeleteFraction: 0.4,
      scope: ['team-a-*'],
    });
    expect(run.concurrency).toBe(4);
  });

  test('a CONNECTOR_SYNC_* variable overrides the file, a flag overrides both', async () => {
    const env = { CONNECTOR_SYNC_MAX_DELETES: '9', CONNECTOR_SYNC_CONCURRENCY: '8' };
    const fromEnv = buildRunSettings(await settingsFor({} as SyncFlags, env), noFlags, context);
    expect(fromEnv.plan.maxDeletes).toBe(9);
    expect(fromEnv.concurrency).toBe(8);
    const flags = { maxDeletes: 3, maxDeletePercent: 5 } as SyncFlags;
    const fromFlag = buildRunSettings(await settingsFor(flags, env), planFlags(flags), context);
    expect(fromFlag.plan).toMatchObject({ maxDeletes: 3, maxDeleteFraction: 0.05 });
    expect(fromFlag.concurrency).toBe(8);
  });

  test('the per-run flags reach the plan: --push-secrets alone means every connector', () => {
    const flags = planFlags({ allowEmpty: true, forceDeletes: true, pushSecrets: true } as SyncFlags);
    const run = buildRunSettings({ ...DEFAULT_SETTINGS, file: undefined }, flags, context);
    expect(run.plan).toMatchObject({
      allowEmpty: true,
      allowReplace: false,
      forceDeletes: true,
      pushSecrets: ['*'],
    });
  });
});

describe('sync and the daemon', () => {
  test('get the same run settings from the same settings and flags', async () => {
    const flags = {
      prune: true,
      maxDeletePercent: 12,
      allowReplace: true,
      pushSecrets: ['github'],
      authReturnUrl: 'https://example.com/back',
      output: 'text',
    } as SyncFlags;
    const settings = await settingsFor(flags, { CONNECTOR_SYNC_PROTECT: 'team-a-vault' });
    const signal = new AbortController().signal;
    const sync = syncRunSettings(settings, flags, { signal }, undefined, {});
    const daemon = reconcileRunSettings(settings, planFlags(flags), 'apply', signal, {} as Logger);
    const shared = (run: typeof sync) => ({
      dryRun: run.dryRun,
      plan: run.plan,
      concurrency: run.concurrency,
      timeoutMs: run.timeoutMs,
      authReturnUrl: run.authReturnUrl,
      signal: run.signal,
    });
    expect(shared(daemon)).toEqual(shared(sync));
    expect(sync.plan).toMatchObject({
      protect: ['team-a-vault'],
      pushSecrets: ['github'],
      allowReplace: true,
    });
    // what differs is how each is driven: links fetched on demand, a persistent ledger
    expect([sync.authUrls, sync.pushUnrecorded, daemon.authUrls, daemon.pushUnrecorded]).toEqual([
      false,
      false,
      false,
      true,
    ]);
  });
});
