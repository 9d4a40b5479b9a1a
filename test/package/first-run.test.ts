/**
 * The README's quick start and the test suite live in the same checkout: what the quick start
 * writes must not break `npm test`, and the launcher must say which Node it needs in one sentence.
 */
import { execFile, execFileSync } from 'node:child_process';
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

describe('an older Node', () => {
  // the machine's own node, when it is older than 24 (npm scripts put the project's Node 24 first)
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
    try {
      return Number(execFileSync(path, ['-p', 'process.versions.node']).toString().split('.')[0]) < 24;
    } catch {
      return false;
    }
  });

  test.skipIf(oldNode === undefined)('says which Node it needs in one sentence, exit 1', async () => {
    const failure = await run(oldNode!, [join(ROOT, 'bin', 'connector-sync.js'), '--version']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const lines = (failure?.stderr ?? '').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs Node\.js 24 or newer.*install Node 24/);
    expect(lines[0]).not.toMatch(/SyntaxError/);
  });

  test('the version check names the version it found and passes 24 and newer', async () => {
    const { nodeVersionProblem } = await import('../../bin/node-version.js');
    expect(nodeVersionProblem('v20.20.2')).toMatch(/this is Node\.js v20\.20\.2/);
    expect(nodeVersionProblem('v24.0.0')).toBeUndefined();
    expect(nodeVersionProblem('v26.1.0')).toBeUndefined();
  });
});
