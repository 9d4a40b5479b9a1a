/** Desired-state discovery through an in-memory file system: every failure becomes an issue, in order. */
import { describe, expect, it } from 'vitest';
import { discoverFiles, displayPath } from '../../src/config/discover.js';
import type { LoaderFs } from '../../src/config/fs.js';
import { recordingFs } from '../config/memory-fs.js';

type Node = 'file' | 'dir' | 'other' | 'dangling';
type Failures = Record<string, { on: 'readdir' | 'realpath'; error: string }>;

/** A tree of paths under /w; a link is an entry that is neither file nor directory until stat follows it. */
function fakeFs(
  tree: Record<string, Node>,
  links: Record<string, string> = {},
  failures: Failures = {},
): LoaderFs {
  const fail = (code: string) => Object.assign(new Error(code), { code });
  const kind = (path: string): Node | undefined => tree[links[path] ?? path];
  const stats = (node: Node | undefined) => ({
    isFile: () => node === 'file',
    isDirectory: () => node === 'dir',
  });
  return {
    stat: async (path) => {
      const node = kind(path);
      if (node === undefined || node === 'dangling') throw fail('ENOENT');
      return stats(node) as never;
    },
    readdir: async (path) => {
      if (failures[path]?.on === 'readdir') throw fail(failures[path].error);
      const prefix = `${links[path] ?? path}/`;
      const names = Object.keys(tree)
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        .map((p) => p.slice(prefix.length));
      const linked = Object.keys(links)
        .filter((p) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes('/'))
        .map((p) => p.slice(path.length + 1));
      return [...names, ...linked].reverse().map((name) => {
        const full = `${path}/${name}`;
        const isLink = full in links;
        const node = tree[full];
        return {
          name,
          isFile: () => !isLink && node === 'file',
          isDirectory: () => !isLink && node === 'dir',
          isSymbolicLink: () => isLink,
        };
      }) as never;
    },
    realpath: async (path) => {
      if (failures[path]?.on === 'realpath') throw fail(failures[path].error);
      return links[path] ?? path;
    },
    readFile: async () => new Uint8Array(),
    readSource: async () => ({ bytes: new Uint8Array() }),
  };
}

async function discover(fs: LoaderFs, ...paths: string[]) {
  const found = await discoverFiles(paths, '/w', fs);
  return {
    files: found.files.map((f) => [f.path, f.display]),
    issues: found.issues.map((i) => [i.location.file, i.code, i.message]),
    order: found.order,
  };
}

describe('discovery', () => {
  it('shows paths relative to the working directory only when below it', () => {
    expect(displayPath('/w', '/w')).toBe('.');
    expect(displayPath('/w/a/b.yaml', '/w')).toBe('a/b.yaml');
    expect(displayPath('/x/b.yaml', '/w')).toBe('/x/b.yaml');
    expect(displayPath('/', '/w')).toBe('/');
    expect(displayPath('/w2/a.yaml', '/w')).toBe('/w2/a.yaml');
    expect(displayPath('/w/..hidden/a.yaml', '/w')).toBe('..hidden/a.yaml');
  });

  it('sorts entries by code unit, follows links, and reads each real file once', async () => {
    const fs = fakeFs(
      {
        '/w/c': 'dir',
        '/w/c/b.yaml': 'file',
        '/w/c/B.yml': 'file',
        '/w/c/a.YML': 'file',
        '/w/c/n.txt': 'file',
        '/w/t': 'dir',
        '/w/t/t.yaml': 'file',
      },
      { '/w/c/link.yaml': '/w/c/b.yaml', '/w/c/z-other': '/w/c/n.txt' },
    );
    expect(await discover(fs, 'c')).toEqual({
      files: [
        ['/w/c/B.yml', 'c/B.yml'],
        ['/w/c/a.YML', 'c/a.YML'],
        ['/w/c/b.yaml', 'c/b.yaml'],
      ],
      issues: [],
      order: ['c/B.yml', 'c/a.YML', 'c/b.yaml'],
    });
  });

  it('reports a dangling YAML link and an unreadable folder as issues that count as found', async () => {
    const fs = fakeFs(
      { '/w/c': 'dir', '/w/c/sub': 'dir', '/w/away/gone': 'dangling' },
      { '/w/c/gone.yaml': '/w/away/gone', '/w/c/gone-dir': '/w/away/gone' },
      { '/w/c/sub': { on: 'readdir', error: 'EACCES' } },
    );
    expect(await discover(fs, 'c')).toEqual({
      files: [],
      // a dangling link is an issue whatever its name: it may have been a folder of connectors
      issues: [
        [
          'c/gone-dir',
          'path-unreadable',
          'is a symbolic link that cannot be followed: no such file or directory',
        ],
        [
          'c/gone.yaml',
          'path-unreadable',
          'is a symbolic link that cannot be followed: no such file or directory',
        ],
        ['c/sub', 'path-unreadable', 'cannot be read: permission denied'],
      ],
      order: ['c/gone-dir', 'c/gone.yaml', 'c/sub'],
    });
  });

  it('counts a YAML file under a linked folder, and reports a folder with none', async () => {
    const fs = fakeFs({
      '/w/e': 'dir',
      '/w/e/x.txt': 'file',
      '/w/e/.h.yaml': 'file',
      '/w/e/sub': 'dir',
      '/w/e/sub/y.md': 'file',
    });
    expect((await discover(fs, 'e')).issues).toEqual([
      ['e', 'no-yaml-files', 'directory holds no .yaml or .yml files (hidden files and folders are skipped)'],
    ]);
  });

  it('refuses an argument that is neither file nor folder, or that cannot be resolved', async () => {
    const fs = fakeFs(
      { '/w/dev': 'other', '/w/f.conf': 'file' },
      {},
      { '/w/f.conf': { on: 'realpath', error: 'EWEIRD' } },
    );
    expect((await discover(fs, 'dev', 'missing', 'f.conf')).issues).toEqual([
      ['dev', 'not-a-file', 'is neither a regular file nor a directory'],
      ['missing', 'path-not-found', 'no such file or directory'],
      ['f.conf', 'path-unreadable', 'cannot be read: cannot be read (EWEIRD)'],
    ]);
  });

  it('visits a folder reached twice once', async () => {
    const fs = fakeFs({ '/w/c': 'dir', '/w/c/a.yaml': 'file' }, { '/w/c/again': '/w/c' });
    expect(await discover(fs, 'c', 'c')).toEqual({
      files: [['/w/c/a.yaml', 'c/a.yaml']],
      issues: [
        // a link back into the folder being read is a loop, reported rather than read again
        ['c/again', 'path-loop', 'is a symbolic link loop: it leads back into c'],
        [
          'c',
          'no-yaml-files',
          'directory holds no .yaml or .yml files (hidden files and folders are skipped)',
        ],
      ],
      order: ['c/a.yaml', 'c/again', 'c'],
    });
  });

  it('resolves folders and links, never the plain files of a folder (their real path follows from the folder)', async () => {
    const fs = fakeFs(
      { '/w/c': 'dir', '/w/c/a.yaml': 'file', '/w/c/b.yaml': 'file', '/w/s.yaml': 'file' },
      { '/w/c/alias.yaml': '/w/s.yaml' },
      // a plain file whose real path cannot be read is not asked for it: its read tells what is wrong
      { '/w/c/a.yaml': { on: 'realpath', error: 'EACCES' } },
    );
    const asked: string[] = [];
    const counted = recordingFs(fs, asked);
    expect(await discover(counted, 'c')).toEqual({
      files: [
        ['/w/c/a.yaml', 'c/a.yaml'],
        ['/w/c/alias.yaml', 'c/alias.yaml'],
        ['/w/c/b.yaml', 'c/b.yaml'],
      ],
      issues: [],
      order: ['c/a.yaml', 'c/alias.yaml', 'c/b.yaml'],
    });
    expect(asked).toEqual([
      'stat /w/c',
      'realpath /w/c',
      'readdir /w/c',
      'stat /w/c/alias.yaml',
      'realpath /w/c/alias.yaml',
    ]);
  });
});
