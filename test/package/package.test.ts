/**
 * What users install: a license, where the project lives, an engines range that does not warn on
 * the next Node LTS, and source maps that carry their sources (src/ is not in the package).
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/** Development tools that no module imports: what uses each of them instead. */
const USED_WITHOUT_IMPORT: Record<string, string> = {
  '@biomejs/biome': 'npm run lint runs `biome`',
  '@stryker-mutator/core': 'npm run test:mutation runs `stryker`',
  '@stryker-mutator/vitest-runner': "stryker.config.mjs's test runner",
  '@types/node': 'tsconfig.json `types`',
  node: 'the Node 24 the npm scripts run on',
  typescript: 'npm run typecheck and build run `tsc`',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

test('every devDependency is used: imported by a test, bench or script, or run as a tool', () => {
  const files = [
    ...['src', 'test', 'bench', 'scripts'].flatMap((dir) => sourceFiles(join(ROOT, dir))),
    ...readdirSync(ROOT)
      .filter((name) => /\.(ts|mjs)$/.test(name))
      .map((name) => join(ROOT, name)),
  ];
  const imported = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /(?:from\s*|import\(\s*)['"]([^'"./][^'"]*)['"]/g,
    )) {
      const parts = match[1]!.split('/');
      imported.add(match[1]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
  }
  const devDependencies = Object.keys(pkg.devDependencies as Record<string, string>);
  expect(devDependencies.filter((name) => !imported.has(name) && !(name in USED_WITHOUT_IMPORT))).toEqual([]);
  expect(Object.keys(USED_WITHOUT_IMPORT).filter((name) => !devDependencies.includes(name))).toEqual([]);
});
