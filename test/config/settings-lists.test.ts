/**
 * A list setting that is set but blank (`CONNECTOR_SYNC_SCOPE=' '`, `scope: []`) is a mistake to
 * report, never an empty list: an empty scope means every name, an empty protect means none.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'settings-lists-'));
  await writeFile(join(cwd, '.connector-sync.yaml'), "scope: ['team-a-*']\nprotect: [team-a-vault]\n");
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const load = (env: Record<string, string>) => loadSettings({ cwd, env, flags: {} });

describe('list settings from the environment', () => {
  test.each([
    ['CONNECTOR_SYNC_SCOPE', ''],
    ['CONNECTOR_SYNC_SCOPE', ' '],
    ['CONNECTOR_SYNC_SCOPE', ','],
    ['CONNECTOR_SYNC_SCOPE', 'team-a-*,,team-b-*'],
    ['CONNECTOR_SYNC_SCOPE', 'team-a-*, '],
    ['CONNECTOR_SYNC_PROTECT', ' '],
    ['CONNECTOR_SYNC_PROTECT', ''],
    ['CONNECTOR_SYNC_PATHS', ','],
  ])('%s=%j is a usage error naming the variable', async (name, value) => {
    const failure = load({ [name]: value });
    await expect(failure).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(name) });
    await expect(failure).rejects.toMatchObject({ message: expect.stringContaining('blank') });
  });

  test('a list with entries still overrides the file, spaces around entries trimmed', async () => {
    const settings = await load({
      CONNECTOR_SYNC_SCOPE: 'team-a-*, team-b-*',
      CONNECTOR_SYNC_PROTECT: 'team-b-core',
    });
    expect(settings.scope).toEqual(['team-a-*', 'team-b-*']);
    expect(settings.protect).toEqual(['team-b-core']);
  });

  test('an unset variable leaves the file in charge; a blank non-list one is unset as before', async () => {
    const settings = await load({ CONNECTOR_SYNC_MAX_DELETES: '' });
    expect(settings.scope).toEqual(['team-a-*']);
    expect(settings.protect).toEqual(['team-a-vault']);
    expect(settings.maxDeletes).toBe(50);
  });
});

describe('list settings in the settings file', () => {
  test.each([
    ['scope: []', 'scope', 1, 8],
    ["protect: ['']", 'protect', 1, 11],
    ["scope: ['team-a-*', ' ']", 'scope', 1, 21],
    ['paths: []', 'paths', 1, 8],
  ])('%s is a settings error with its line', async (text, key, line, column) => {
    await writeFile(join(cwd, '.connector-sync.yaml'), `${text}\n`);
    const failure = load({});
    await expect(failure).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining(`.connector-sync.yaml:${line}:${column}: ${key}`),
    });
  });

  test('a list with entries is read as written', async () => {
    await writeFile(
      join(cwd, '.connector-sync.yaml'),
      "scope: ['team-a-*', team-c-x]\nprotect: [team-a-vault]\n",
    );
    expect((await load({})).scope).toEqual(['team-a-*', 'team-c-x']);
  });
});
