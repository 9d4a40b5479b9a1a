import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';

/** What the loader needs to know about a path (a subset of node:fs Stats). */
export interface LoaderStats {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
}

/** One directory entry (a subset of node:fs Dirent). */
export interface LoaderDirent {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** A connector file as read: its bytes, or only its size when it is over the limit (nothing read). */
export type SourceRead = { bytes: Uint8Array } | { tooLarge: number };

/**
 * The file system as the loader sees it: small enough to fake in a test, wide enough for
 * discovery (stat, readdir, realpath) and reading files with a size cap.
 */
export interface LoaderFs {
  /** Follows symbolic links, like fs.stat. */
  stat(path: string): Promise<LoaderStats>;
  readdir(path: string): Promise<LoaderDirent[]>;
  realpath(path: string): Promise<string>;
  /** Reads at most `maxBytes + 1` bytes, so a caller can tell a file is over its limit without reading all of it. */
  readFile(path: string, maxBytes: number): Promise<Uint8Array>;
  /** Reads a connector file whole, or refuses it unread when over `maxBytes`; anything but a regular file is an error. */
  readSource(path: string, maxBytes: number): Promise<SourceRead>;
}

/**
 * Reads an open file whole, at most `maxBytes + 1` bytes. The buffer is sized from fstat (a
 * connector file is a few hundred bytes: a 1 MiB buffer per file would keep the garbage collector
 * busy), exactly size + 1 (the 1 sees a file that grew: under 4 KiB that is a slice of Node's
 * shared pool), grown if the file turns out longer, never past the limit. A size of 0 is a file
 * that does not know its length (a pipe, /proc): start at 4 KiB.
 */
function readOpenFile(fd: number, size: number, maxBytes: number): Uint8Array {
  const limit = maxBytes + 1;
  let buffer = Buffer.allocUnsafe(Math.min(limit, size > 0 ? size + 1 : 4096));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length >= limit) break;
      const grown = Buffer.allocUnsafe(Math.min(limit, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

// never waits for a FIFO's writer: the reads are synchronous, so a wait would stop the whole
// process (the daemon's health endpoint too); regular files ignore the flag (absent on Windows)
const OPEN_NONBLOCKING = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function readCapped(path: string, maxBytes: number): Uint8Array {
  const fd = openSync(path, OPEN_NONBLOCKING);
  try {
    return readOpenFile(fd, fstatSync(fd).size, maxBytes);
  } finally {
    closeSync(fd);
  }
}

function readSource(path: string, maxBytes: number): SourceRead {
  const fd = openSync(path, OPEN_NONBLOCKING);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw Object.assign(new Error(`not a regular file: ${path}`), { code: 'ENOTREG' });
    // refused before reading: a 10 MB file costs nothing to reject
    if (stats.size > maxBytes) return { tooLarge: stats.size };
    return { bytes: readOpenFile(fd, stats.size, maxBytes) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The real file system. Files are read synchronously (open, fstat, read, close and nothing else):
 * connector files are small and there can be tens of thousands, and fs.promises hands every step
 * to the thread pool and back, which costs more than the reads themselves.
 */
export const nodeLoaderFs: LoaderFs = {
  stat: (path) => stat(path),
  readdir: (path) => readdir(path, { withFileTypes: true }),
  realpath: (path) => realpath(path),
  readFile: async (path, maxBytes) => readCapped(path, maxBytes),
  readSource: async (path, maxBytes) => readSource(path, maxBytes),
};

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  ENOTREG: 'not a regular file',
  EAGAIN: 'nothing to read (a pipe without a writer)',
};

/** A short reason for a file system error, without the path (callers name the path themselves). */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FS_REASONS[code] !== undefined) return FS_REASONS[code];
  if (code !== undefined) return `cannot be read (${code})`;
  return 'cannot be read';
}

/** True when the error means "nothing there" (missing file or a dangling symbolic link). */
export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
