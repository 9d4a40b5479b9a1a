import { posix } from 'node:path';
import type { LoaderDirent, LoaderFs, LoaderStats, SourceRead } from '../../src/config/fs.js';

/** Files by absolute path (text or bytes); directories are implied by the paths. */
export type MemoryTree = Record<string, string | Uint8Array>;

function fsError(code: string, path: string): NodeJS.ErrnoException {
  const error = new Error(`${code}: ${path}`) as NodeJS.ErrnoException;
  error.code = code;
  return error;
}

/** An in-memory LoaderFs for tests, counting reads so a test can assert what was (not) read. */
export function memoryFs(tree: MemoryTree): LoaderFs & { reads: string[] } {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(tree)) {
    files.set(
      posix.normalize(path),
      typeof content === 'string' ? new TextEncoder().encode(content) : content,
    );
  }
  const isDirectory = (path: string) => {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    return [...files.keys()].some((file) => file.startsWith(prefix));
  };
  const reads: string[] = [];
  const fs = {
    reads,
    async stat(path: string): Promise<LoaderStats> {
      const file = files.get(path);
      if (file !== undefined) return { isFile: () => true, isDirectory: () => false, size: file.length };
      if (isDirectory(path)) return { isFile: () => false, isDirectory: () => true, size: 0 };
      throw fsError('ENOENT', path);
    },
    async readdir(path: string): Promise<LoaderDirent[]> {
      if (!isDirectory(path)) throw fsError(files.has(path) ? 'ENOTDIR' : 'ENOENT', path);
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const file of files.keys()) {
        if (file.startsWith(prefix)) names.add(file.slice(prefix.length).split('/')[0] as string);
      }
      return [...names].map((name) => {
        const full = prefix + name;
        const dir = !files.has(full);
        return { name, isFile: () => !dir, isDirectory: () => dir, isSymbolicLink: () => false };
      });
    },
    async realpath(path: string): Promise<string> {
      if (files.has(path) || isDirectory(path)) return path;
      throw fsError('ENOENT', path);
    },
    async readFile(path: string, maxBytes: number): Promise<Uint8Array> {
      reads.push(path);
      const file = files.get(path);
      if (file === undefined) throw fsError(isDirectory(path) ? 'EISDIR' : 'ENOENT', path);
      return file.subarray(0, maxBytes + 1);
    },
    async readSource(path: string, maxBytes: number): Promise<SourceRead> {
      const file = files.get(path);
      if (file !== undefined && file.length > maxBytes) return { tooLarge: file.length };
      return { bytes: await fs.readFile(path, maxBytes) };
    },
  };
  return fs;
}

/** Wraps a file system so a test sees each call it made, in order: `stat /repo/c`. */
export function recordingFs(fs: LoaderFs, calls: string[]): LoaderFs {
  const record =
    <A extends [string, ...unknown[]], R>(name: string, call: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(`${name} ${args[0]}`);
      return call(...args);
    };
  return {
    stat: record('stat', fs.stat),
    readdir: record('readdir', fs.readdir),
    realpath: record('realpath', fs.realpath),
    readFile: record('readFile', fs.readFile),
    readSource: record('readSource', fs.readSource),
  };
}
