import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { loadSettings } from '../../src/config/settings.js';

function folder(settings?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-timeout-'));
  if (settings !== undefined) writeFileSync(join(dir, '.connector-sync.yaml'), settings);
  return dir;
}

describe('the timeout setting', () => {
  it('defaults to 15 minutes; file, environment and flag set it in that precedence', async () => {
    expect((await loadSettings({ cwd: folder(), env: {}, flags: {} })).timeoutMs).toBe(900_000);
    const dir = folder('timeout: 90s\n');
    expect((await loadSettings({ cwd: dir, env: {}, flags: {} })).timeoutMs).toBe(90_000);
    const env = { CONNECTOR_SYNC_TIMEOUT: '2m' };
    expect((await loadSettings({ cwd: dir, env, flags: {} })).timeoutMs).toBe(120_000);
    expect((await loadSettings({ cwd: dir, env, flags: { timeout: '1h' } })).timeoutMs).toBe(3_600_000);
  });

  it('refuses a value that is not a duration, naming the file and line or the variable', async () => {
    const dir = folder('prune: false\ntimeout: 15\n');
    await expect(loadSettings({ cwd: dir, env: {}, flags: {} })).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringMatching(/\.connector-sync\.yaml:2:\d+: timeout/),
    });
    await expect(
      loadSettings({ cwd: folder(), env: { CONNECTOR_SYNC_TIMEOUT: '0s' }, flags: {} }),
    ).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      message: expect.stringContaining('CONNECTOR_SYNC_TIMEOUT'),
    });
  });

  it('reads and writes durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(' 15m ')).toBe(900_000);
    for (const bad of ['', '15', '0s', '-1s', '1.5s', '1d', 'soon']) expect(parseDuration(bad)).toBeNull();
    expect(formatDuration(900_000)).toBe('15m');
    expect(formatDuration(1500)).toBe('1500ms');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});
