/** A blank list setting, from a variable or the file: refused in words that say why, never read as empty. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import type { ConnectorSyncError } from '../../src/errors.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'settings-lists-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const refusal = (env: Record<string, string>) =>
  loadSettings({ cwd, env, flags: {} }).then(
    () => undefined,
    (e: unknown) => e as ConnectorSyncError,
  );
const HINT = (name: string) =>
  `unset ${name} to use the settings file or the default, or give comma-separated values without empty ones`;

describe('a blank list variable', () => {
  it('says whether the variable is blank or holds a blank entry, and how to fix it', async () => {
    const blank = await refusal({ CONNECTOR_SYNC_SCOPE: ' ' });
    expect([blank?.code, blank?.message, blank?.hint]).toEqual([
      'USAGE',
      'CONNECTOR_SYNC_SCOPE is set but blank; a blank list is never read as "all" or "none"',
      HINT('CONNECTOR_SYNC_SCOPE'),
    ]);
    const entry = await refusal({ CONNECTOR_SYNC_PROTECT: 'a,,b' });
    expect([entry?.code, entry?.message, entry?.hint]).toEqual([
      'USAGE',
      'CONNECTOR_SYNC_PROTECT has a blank entry ("a,,b"); a blank list is never read as "all" or "none"',
      HINT('CONNECTOR_SYNC_PROTECT'),
    ]);
  });
});

describe('a blank list in the settings file', () => {
  it('names every bad key with its line: an empty list, a blank entry, a value of another type', async () => {
    const file = join(cwd, '.connector-sync.yaml');
    await writeFile(file, "scope: []\nprotect:\n  - a\n  - ' '\nprune: 3\n");
    const error = await refusal({});
    expect(error?.code).toBe('SETTINGS_INVALID');
    expect(error?.message).toBe(
      `invalid settings: ${file}:1:8: scope is an empty list, which is never read as "all" or "none": remove the key for the default, or list values; ${file}:4:5: protect is blank; ${file}:5:8: prune must be boolean`,
    );
  });
});
