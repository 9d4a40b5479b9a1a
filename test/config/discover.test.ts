import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discoverFiles } from '../../src/config/discover.js';
import { nodeLoaderFs } from '../../src/config/fs.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'discover-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function files(paths: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(paths)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

async function discover(...paths: string[]) {
  const found = await discoverFiles(paths, root, nodeLoaderFs);
  return {
    files: found.files.map((file) => file.display),
    issues: found.issues.map((i) => [i.location.file, i.code]),
  };
}

describe('discoverFiles', () => {
  test('reads directories recursively in a stable order, skipping hidden entries and other extensions', async () => {
    await files({
      'c/b.yaml': '',
      'c/a.yml': '',
      'c/Z.YAML': '',
      'c/sub/x.yaml': '',
      'c/notes.txt': '',
      'c/.hidden.yaml': '',
      'c/.git/config.yaml': '',
      'c/..data/from-configmap.yaml': '',
    });
    expect(await discover('c')).toEqual({
      files: ['c/Z.YAML', 'c/a.yml', 'c/b.yaml', 'c/sub/x.yaml'],
      issues: [],
    });
  });

  test('reads a file named explicitly whatever its extension, and each file once', async () => {
    await files({ 'c/a.yaml': '', 'connectors.conf': '' });
    expect(await discover('connectors.conf', 'c', 'c/a.yaml', './c/../c/a.yaml')).toEqual({
      files: ['connectors.conf', 'c/a.yaml'],
      issues: [],
    });
  });

  test('follows symbolic links once: a loop ends, a file reached twice is read once', async () => {
    await files({ 'c/a.yaml': '', 'shared/s.yaml': '' });
    await symlink('..', join(root, 'c', 'loop'));
    await symlink(join(root, 'shared'), join(root, 'c', 'linked'));
    await symlink('a.yaml', join(root, 'c', 'alias.yaml'));
    expect(await discover('c')).toEqual({ files: ['c/a.yaml', 'c/linked/s.yaml'], issues: [] });
  });

  test('a dangling link named like YAML is an error; any other dangling link is ignored', async () => {
    await files({ 'c/a.yaml': '' });
    await symlink('missing.yaml', join(root, 'c', 'gone.yaml'));
    await symlink('missing', join(root, 'c', 'gone-dir'));
    expect(await discover('c')).toEqual({
      files: ['c/a.yaml'],
      issues: [['c/gone.yaml', 'path-unreadable']],
    });
  });

  test('a missing path and a directory without YAML are errors, in argument order', async () => {
    await files({ 'empty/README.md': '', 'empty/.hidden.yaml': '', 'ok.yaml': '' });
    expect(await discover('nope', 'empty', 'ok.yaml')).toEqual({
      files: ['ok.yaml'],
      issues: [
        ['nope', 'path-not-found'],
        ['empty', 'no-yaml-files'],
      ],
    });
  });

  test('shows paths outside the working directory as absolute paths', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'discover-outside-'));
    try {
      await writeFile(join(outside, 'x.yaml'), '');
      expect((await discover(join(outside, 'x.yaml'))).files).toEqual([join(outside, 'x.yaml')]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
