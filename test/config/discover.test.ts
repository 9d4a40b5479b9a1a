import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { discoverFiles } from '../../src/config/discover.js';
import { type LoaderFs, nodeLoaderFs } from '../../src/config/fs.js';

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

  test('follows symbolic links once: a directory or file reached twice is read once', async () => {
    await files({ 'c/a.yaml': '', 'shared/s.yaml': '' });
    await symlink(join(root, 'shared'), join(root, 'c', 'linked'));
    await symlink(join(root, 'shared'), join(root, 'c', 'linked-again'));
    await symlink('a.yaml', join(root, 'c', 'alias.yaml'));
    expect(await discover('c')).toEqual({ files: ['c/a.yaml', 'c/linked/s.yaml'], issues: [] });
  });

  test('a link back to a folder being read is a loop: an error, never a skip', async () => {
    await files({ 'c/a.yaml': '', 'c/team/t.yaml': '', 'other/o.yaml': '' });
    await symlink('..', join(root, 'c', 'team', 'up'));
    await symlink('.', join(root, 'c', 'self'));
    // the loop goes through a second folder: c/away/back leads to c again
    await symlink(join(root, 'other'), join(root, 'c', 'away'));
    await symlink(join(root, 'c'), join(root, 'other', 'back'));
    expect(await discover('c')).toEqual({
      files: ['c/a.yaml', 'c/away/o.yaml', 'c/team/t.yaml'],
      issues: [
        ['c/away/back', 'path-loop'],
        ['c/self', 'path-loop'],
        ['c/team/up', 'path-loop'],
      ],
    });
  });

  test('a link that cannot be resolved is an error whatever its name (it may have been a folder)', async () => {
    await files({ 'c/a.yaml': '' });
    await symlink('missing.yaml', join(root, 'c', 'gone.yaml'));
    await symlink('missing', join(root, 'c', 'gone-dir'));
    await symlink('ping', join(root, 'c', 'pong'));
    await symlink('pong', join(root, 'c', 'ping'));
    await symlink('missing', join(root, 'c', '.hidden-link'));
    expect(await discover('c')).toEqual({
      files: ['c/a.yaml'],
      issues: [
        ['c/gone-dir', 'path-unreadable'],
        ['c/gone.yaml', 'path-unreadable'],
        ['c/ping', 'path-unreadable'],
        ['c/pong', 'path-unreadable'],
      ],
    });
  });

  test('a folder that cannot be entered is an error, through a link or not', async () => {
    await files({ 'c/a.yaml': '', 'c/locked/x.yaml': '', 'private/team/t.yaml': '' });
    await symlink(join(root, 'private', 'team'), join(root, 'c', 'team'));
    // tests run as root, where chmod 000 stops nothing: the file system says no instead
    const denied = new Set([join(root, 'c', 'locked'), join(root, 'c', 'team')]);
    const deny = (path: string) => {
      if (denied.has(path)) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
    };
    const fs: LoaderFs = {
      ...nodeLoaderFs,
      stat: async (path) => {
        if (path === join(root, 'c', 'team')) deny(path);
        return nodeLoaderFs.stat(path);
      },
      readdir: async (path) => {
        deny(path);
        return nodeLoaderFs.readdir(path);
      },
    };
    const found = await discoverFiles(['c'], root, fs);
    expect(found.files.map((file) => file.display)).toEqual(['c/a.yaml']);
    expect(found.issues.map((issue) => [issue.location.file, issue.code, issue.message])).toEqual([
      ['c/locked', 'path-unreadable', 'cannot be read: permission denied'],
      ['c/team', 'path-unreadable', 'is a symbolic link that cannot be followed: permission denied'],
    ]);
  });

  test('a FIFO or socket named like YAML is an error; one with another name is not ours', async () => {
    await files({ 'c/a.yaml': '' });
    execFileSync('mkfifo', [join(root, 'c', 'pipe.yaml'), join(root, 'c', 'pipe')]);
    expect(await discover('c')).toEqual({
      files: ['c/a.yaml'],
      issues: [['c/pipe.yaml', 'not-a-file']],
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
