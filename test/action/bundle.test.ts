/**
 * The action runs dist-action/index.mjs as committed: it must be what src/ builds to today, and
 * what the runner downloads for it (the repository at the action's ref) must stay small.
 */
import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUNDLE, bundleText } from '../../scripts/build-action.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MIB = 1024 * 1024;

describe('the action bundle', () => {
  it('is what src/ builds to (rebuild with `npm run build:action` and commit it)', async () => {
    const committed = await readFile(BUNDLE, 'utf8');
    const fresh = await bundleText();
    expect(committed === fresh, 'dist-action/index.mjs is stale: run npm run build:action').toBe(true);
  }, 60_000);

  it('is what action.yml runs, on Node 24', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: Record<string, string>;
    };
    expect(action.runs).toEqual({ using: 'node24', main: relative(ROOT, BUNDLE) });
  });

  it('keeps the action download under 10 MB (every tracked file; no install step)', async () => {
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
    let total = 0;
    for (const file of files.filter(Boolean))
      total += (await stat(join(ROOT, file)).catch(() => ({ size: 0 }))).size;
    expect(total).toBeLessThan(10 * MIB);
    expect((await stat(BUNDLE)).size).toBeLessThan(4 * MIB);
  });
});
