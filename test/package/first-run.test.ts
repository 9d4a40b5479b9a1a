/**
 * The README's quick start and the test suite live in the same checkout: what the quick start
 * writes must not break `npm test`, and the launcher must say which Node it needs in one sentence.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

describe('the first run', () => {
  test('the emulator state folder (.connector-sync/) is outside Biome’s check', async () => {
    const dir = join(ROOT, '.connector-sync');
    const file = join(dir, `format-probe-${process.pid}.json`);
    await mkdir(dir, { recursive: true });
    await writeFile(file, '{"unformatted":\n1}');
    try {
      const biome = join(ROOT, 'node_modules', '.bin', 'biome');
      // an ignored file is "unmatched": exit 0; a checked one fails the format check
      const result = await run(biome, ['check', '--no-errors-on-unmatched', file], { cwd: ROOT }).then(
        () => 0,
        (error: { code?: number }) => error.code ?? 1,
      );
      expect(result).toBe(0);
    } finally {
      await rm(file, { force: true });
    }
  });
});
