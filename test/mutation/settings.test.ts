/**
 * Settings precedence and validation, value by value: what `npm run test:mutation` showed no test
 * pinned down (a default, an environment spelling, the file:line of a bad key).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, type SettingsInput } from '../../src/config/settings.js';
import { ConnectorSyncError } from '../../src/errors.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const load = (options: { env?: Record<string, string>; flags?: SettingsInput; file?: string } = {}) =>
  loadSettings({ cwd, env: options.env ?? {}, flags: options.flags ?? {}, ...options });

async function failure(promise: Promise<unknown>): Promise<ConnectorSyncError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorSyncError);
  const found = error as ConnectorSyncError;
  expect(found.code).toBe('SETTINGS_INVALID');
  expect(found.hint).toBe('see schemas/settings.schema.json for the settings and their types');
  return found;
}

describe('settings', () => {
  it('are the defaults when there is no file, variable or flag', async () => {
    expect(await load()).toEqual({ ...DEFAULT_SETTINGS, file: undefined });
    expect(DEFAULT_SETTINGS).toEqual({
      apiUrl: undefined,
      paths: ['connectors'],
      scope: [],
      protect: [],
      prune: false,
      maxDeletes: 50,
      maxDeletePercent: 30,
      concurrency: 16,
      stateDir: undefined,
      authReturnUrl: undefined,
      schedule: '*/5 * * * *',
      readOnly: false,
      suspend: false,
      timeoutMs: 15 * 60_000,
      allowBreakingAgents: false,
      policy: undefined,
      notify: [],
    });
  });

  it('read every key of .connector-sync.yaml, state_dir relative to the working directory', async () => {
    await writeFile(
      join(cwd, '.connector-sync.yaml'),
      [
        'api_url: https://api.example.com',
        'paths: [a, b]',
        'scope: [team-*]',
        'protect: [team-vault]',
        'prune: true',
        'max_deletes: 3',
        'max_delete_percent: 12.5',
        'concurrency: 4',
        'state_dir: state',
        'auth_return_url: https://back.example.com',
        "schedule: '0 * * * *'",
        'read_only: true',
        'suspend: true',
        'timeout: 90s',
        'allow_breaking_agents: true',
      ].join('\n'),
    );
    expect(await load()).toEqual({
      apiUrl: 'https://api.example.com',
      paths: ['a', 'b'],
      scope: ['team-*'],
      protect: ['team-vault'],
      prune: true,
      maxDeletes: 3,
      maxDeletePercent: 12.5,
      concurrency: 4,
      stateDir: join(cwd, 'state'),
      authReturnUrl: 'https://back.example.com',
      schedule: '0 * * * *',
      readOnly: true,
      suspend: true,
      timeoutMs: 90_000,
      allowBreakingAgents: true,
      policy: undefined,
      notify: [],
      // where the file chose the API URL, so a refusal of that URL can point at the line
      apiUrlSetIn: `${join(cwd, '.connector-sync.yaml')}:1:10`,
      file: join(cwd, '.connector-sync.yaml'),
    });
  });

  it('take flags over the environment over the file; an undefined flag overrides nothing', async () => {
    await writeFile(
      join(cwd, 'custom.yaml'),
      'max_deletes: 1\nconcurrency: 2\nprune: true\nstate_dir: /abs/state\n',
    );
    const settings = await load({
      file: 'custom.yaml',
      env: { CONNECTOR_SYNC_MAX_DELETES: '5', CONNECTOR_SYNC_CONCURRENCY: '6' },
      flags: { max_deletes: 9, prune: undefined },
    });
    expect(settings.maxDeletes).toBe(9);
    expect(settings.concurrency).toBe(6);
    expect(settings.prune).toBe(true);
    expect(settings.stateDir).toBe('/abs/state');
    expect(settings.file).toBe(join(cwd, 'custom.yaml'));
  });

  it('parse CONNECTOR_SYNC_* lists, booleans and numbers; an empty variable counts as unset', async () => {
    const settings = await load({
      env: {
        CONNECTOR_SYNC_SCOPE: ' team-* , ops-* ',
        CONNECTOR_SYNC_PRUNE: 'YES',
        CONNECTOR_SYNC_READ_ONLY: 'on',
        CONNECTOR_SYNC_SUSPEND: '1',
        CONNECTOR_SYNC_MAX_DELETE_PERCENT: '12.5',
        CONNECTOR_SYNC_SCHEDULE: '',
      },
    });
    expect(settings.scope).toEqual(['team-*', 'ops-*']);
    expect([settings.prune, settings.readOnly, settings.suspend]).toEqual([true, true, true]);
    expect(settings.maxDeletePercent).toBe(12.5);
    expect(settings.schedule).toBe('*/5 * * * *');
    expect(
      (await load({ env: { CONNECTOR_SYNC_SCHEDULE: '5', CONNECTOR_SYNC_STATE_DIR: '1' } })).schedule,
    ).toBe('5');
    for (const no of ['0', 'false', 'No', 'OFF']) {
      expect((await load({ env: { CONNECTOR_SYNC_PRUNE: no } })).prune).toBe(false);
    }
    // a blank entry is never read as "all" or "none": it is refused, naming the variable
    await expect(load({ env: { CONNECTOR_SYNC_SCOPE: 'team-*,,' } })).rejects.toThrow(
      /^CONNECTOR_SYNC_SCOPE has a blank entry/,
    );
  });

  it('name the variable of a value that is not of its type', async () => {
    for (const [variable, value] of [
      ['CONNECTOR_SYNC_PRUNE', 'maybe'],
      ['CONNECTOR_SYNC_PRUNE', 'truely'],
      ['CONNECTOR_SYNC_PRUNE', 'xtrue'],
      ['CONNECTOR_SYNC_PRUNE', 'nofalse'],
      ['CONNECTOR_SYNC_PRUNE', 'offx'],
      ['CONNECTOR_SYNC_MAX_DELETES', 'many'],
      ['CONNECTOR_SYNC_MAX_DELETES', ' '],
      ['CONNECTOR_SYNC_CONCURRENCY', 'Infinity'],
    ] as const) {
      const error = await failure(load({ env: { [variable]: value } }));
      expect(error.message).toMatch(new RegExp(`^invalid settings: ${variable} must be `));
    }
  });

  it('name the flag of a bad flag value', async () => {
    const error = await failure(load({ flags: { max_delete_percent: 101, concurrency: 0 } }));
    expect(error.message).toBe(
      'invalid settings: --max-delete-percent must be <= 100; --concurrency must be >= 1',
    );
  });

  // an unknown key is placed at its value (ajv reports no path into the key itself)
  it('name the file, line and column of a bad value, and say an unknown key is not a setting', async () => {
    await writeFile(join(cwd, '.connector-sync.yaml'), 'prune: true\nconcurrency: 0\nmax_deletez: 3\n');
    const path = join(cwd, '.connector-sync.yaml');
    const error = await failure(load());
    expect(error.message).toBe(
      `invalid settings: ${path}:3:14: max_deletez is not a setting; ${path}:2:14: concurrency must be >= 1`,
    );
  });

  it('point at the item of a bad list entry', async () => {
    await writeFile(join(cwd, '.connector-sync.yaml'), 'scope:\n  - ok\n  - ""\n');
    const error = await failure(load());
    expect(error.message).toMatch(/\.connector-sync\.yaml:3:5: scope must NOT have fewer than 1 characters;/);
    expect(error.message).toMatch(/\.connector-sync\.yaml:3:5: scope is blank$/);
  });

  it('name the file, line and column of a YAML syntax error, on one line', async () => {
    await writeFile(join(cwd, '.connector-sync.yaml'), 'prune: true\nscope: [a\n');
    const error = await failure(load());
    expect(error.message).toMatch(
      new RegExp(`^${join(cwd, '.connector-sync.yaml')}:\\d+:\\d+: [A-Z][^\\n]{10,}$`),
    );
  });

  it('refuse a key given twice, naming its line', async () => {
    await writeFile(join(cwd, '.connector-sync.yaml'), 'prune: true\nprune: false\n');
    const error = await failure(load());
    expect(error.message).toMatch(
      new RegExp(`^${join(cwd, '.connector-sync.yaml')}:2:1: Map keys must be unique`),
    );
  });

  it('refuse a file named with --settings that is not there, but not a missing default file', async () => {
    const error = await failure(load({ file: 'nope.yaml' }));
    expect(error.message).toMatch(
      new RegExp(`^cannot read the settings file ${join(cwd, 'nope.yaml')}: ENOENT`),
    );
    expect((await load()).file).toBeUndefined();
  });

  it('refuse a default settings path that cannot be read for another reason than absence', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(cwd, '.connector-sync.yaml'));
    const error = await failure(load());
    expect(error.message).toMatch(/^cannot read the settings file .*EISDIR/);
  });

  it('treat an empty file as no setting', async () => {
    await writeFile(join(cwd, '.connector-sync.yaml'), '');
    expect(await load()).toEqual({ ...DEFAULT_SETTINGS, file: join(cwd, '.connector-sync.yaml') });
  });
});
