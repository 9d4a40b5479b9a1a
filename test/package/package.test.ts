/**
 * What users install: a license, where the project lives, an engines range that does not warn on
 * the next Node LTS, and source maps that carry their sources (src/ is not in the package).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('the package', () => {
  test('ships the Apache-2.0 license text it declares', async () => {
    expect(pkg.license).toBe('Apache-2.0');
    const text = await readFile(join(ROOT, 'LICENSE'), 'utf8');
    expect(text).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  test('says where it lives: repository, homepage, bugs', () => {
    expect(pkg.repository).toMatchObject({
      type: 'git',
      url: expect.stringMatching(/^git\+https:\/\/github\.com\//),
    });
    expect(pkg.homepage).toMatch(/^https:\/\/github\.com\/.+#readme$/);
    expect(pkg.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\/github\.com\/.+\/issues$/) });
  });

  test('engines: Node 24 and later, so the next LTS (26) installs without a warning', () => {
    expect((pkg.engines as { node: string }).node).toBe('>=24');
  });

  test('source maps carry their sources (the package has no src/)', async () => {
    const build = JSON.parse(await readFile(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(pkg.files).not.toContain('src/');
    expect(build.compilerOptions.inlineSources).toBe(true);
  });
});
