import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { loadDesiredState } from '../../src/config/load.js';
import type { LoadResult } from '../../src/config/types.js';
import { memoryFs } from './memory-fs.js';

const KEYS = [
  'name',
  'description',
  'server',
  'visibility',
  'headers',
  'auth_data',
  'connectors',
  'title',
  '__proto__',
];

/** Whatever the input, loading answers with a state or with well-formed issues: never a throw. */
function expectWellFormed(result: LoadResult, lines: number): void {
  if (result.ok) {
    for (const connector of result.state.connectors) expect(connector.name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of [...result.issues, ...result.warnings]) {
    expect(issue.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(issue.message.length).toBeGreaterThan(0);
    expect(issue.location.file).toBe('f.yaml');
    expect(issue.location.line).toBeGreaterThanOrEqual(0);
    expect(issue.location.line).toBeLessThanOrEqual(lines + 1);
  }
}

async function load(text: string, resolve: boolean): Promise<LoadResult> {
  return loadDesiredState(['f.yaml'], {
    resolve,
    cwd: '/r',
    env: { A: 'x' },
    fs: memoryFs({ '/r/f.yaml': text }),
  });
}

describe('inputs no test has seen', () => {
  test('arbitrary text never throws and yields placed issues', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), async (text, resolve) => {
        expectWellFormed(await load(text, resolve), text.split('\n').length);
      }),
      { numRuns: 300 },
    );
  });

  test('arbitrary YAML-shaped documents with connector-like keys never throw', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(`\${env:A}`),
    );
    const doc = fc.dictionary(
      fc.constantFrom(...KEYS),
      fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), value)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(doc, { minLength: 1, maxLength: 3 }), fc.boolean(), async (docs, resolve) => {
        const text = docs.map((d) => stringify(d)).join('---\n');
        expectWellFormed(await load(text, resolve), text.split('\n').length);
      }),
      { numRuns: 300 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
