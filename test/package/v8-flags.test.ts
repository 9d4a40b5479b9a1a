import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { v8FlagsFor, YOUNG_GROWTH } from '../../bin/v8-flags.js';
import { runProbedCli } from '../support/probed-cli.js';

describe('the V8 flags the launcher sets', () => {
  it('caps garbage between collections for the daemon as for one-shot commands', () => {
    for (const command of ['sync', 'validate', 'daemon', undefined])
      expect(v8FlagsFor(command)).toContain('--heap-growing-percent=10');
  });

  it('keeps fewer freed pages for the daemon only: the one-shot commands keep V8 speed', () => {
    expect(v8FlagsFor('daemon')).toContain('--optimize-for-size');
    expect(v8FlagsFor('sync')).not.toContain('--optimize-for-size');
    expect(v8FlagsFor('validate')).not.toContain('--optimize-for-size');
  });

  it('grows the young generation of validate once; sync, the daemon and the rest keep 1 MB', () => {
    expect(v8FlagsFor('validate')).toContain(`--semi-space-growth-factor=${YOUNG_GROWTH}`);
    for (const command of ['sync', 'daemon', 'diff', undefined])
      expect(v8FlagsFor(command)).toContain('--semi-space-growth-factor=1');
  });

  it('holds the young generation of validate at one growth: 2 x 8 MB, not 2 x 1 MB nor V8’s 2 x 64 MB', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'v8-flags-'));
    try {
      // the young generation's size when the process ends (validate of 3,000 files)
      const probe = `import v8 from 'node:v8';
process.on('exit', () => process.stderr.write('new space ' +
  v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576 + '\\n'));`;
      const connectors = join(dir, 'connectors');
      await mkdir(connectors);
      for (let i = 0; i < 3000; i++)
        await writeFile(
          join(connectors, `c-${i}.yaml`),
          `name: c-${i}\ndescription: connector ${i} for the tests of the launcher\nserver: https://mcp.example.com/c-${i}/mcp\nvisibility: shared_workspace\n`,
        );
      const { stderr } = await runProbedCli(dir, probe, ['validate', connectors]);
      expect(stderr).toContain(`new space ${2 * YOUNG_GROWTH}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
