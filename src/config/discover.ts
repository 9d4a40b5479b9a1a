import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describeFsError, type LoaderFs } from './fs.js';
import { makeIssue, wholeFile } from './issues.js';
import type { ConfigIssue } from './types.js';

/** A file to read: its absolute path and the path people see (relative to the working directory when inside it). */
export interface DiscoveredFile {
  path: string;
  display: string;
}

/** What discovery found: files in a stable order, and problems with the paths themselves. */
export interface Discovery {
  files: DiscoveredFile[];
  issues: ConfigIssue[];
  /** Every path in the order it was met (files and failing arguments), for ordering issues. */
  order: string[];
}

const YAML_FILE = /\.ya?ml$/i;

/** The path as people should see it: relative to `cwd` when below it, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return path;
  return rel;
}

function byName(a: { name: string }, b: { name: string }): number {
  // code-unit order, not locale order: the same on every machine
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** True when `path` is `folder` or lies below it. */
function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A directory entry as discovery needs it (a subset of LoaderDirent). */
type Entry = { name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean };

class Walker {
  readonly files: DiscoveredFile[] = [];
  readonly issues: ConfigIssue[] = [];
  readonly order: string[] = [];
  // real paths already taken: a file or folder reached twice (an argument and its directory, two
  // symbolic links) is read once
  readonly #seenFiles = new Set<string>();
  readonly #seenDirs = new Set<string>();
  // the folders being read, outermost first: a link into one of them is a loop, which would read
  // the same files under endless names; it is reported, never quietly cut short
  readonly #reading: Array<{ real: string; display: string }> = [];

  constructor(
    private readonly fs: LoaderFs,
    private readonly cwd: string,
  ) {}

  fail(path: string, code: string, message: string): void {
    const display = displayPath(path, this.cwd);
    this.order.push(display);
    this.issues.push(makeIssue(code, message, wholeFile(display)));
  }

  /** `real` is known when the file is a plain entry of a folder whose real path is known: no system call needed. */
  async addFile(path: string, real?: string): Promise<void> {
    real ??= await this.fs.realpath(path);
    if (this.#seenFiles.has(real)) return;
    this.#seenFiles.add(real);
    const display = displayPath(path, this.cwd);
    this.order.push(display);
    this.files.push({ path, display });
  }

  /** Reads a directory recursively; returns how many YAML files (or problems) it and its sub-directories held. */
  async walkDirectory(path: string): Promise<number> {
    const real = await this.fs.realpath(path);
    const looped = this.#reading.find((folder) => isWithin(folder.real, real));
    if (looped !== undefined) {
      this.fail(path, 'path-loop', `is a symbolic link loop: it leads back into ${looped.display}`);
      return 1;
    }
    if (this.#seenDirs.has(real)) return 0;
    this.#seenDirs.add(real);
    const entries = [...(await this.fs.readdir(path))].sort(byName);
    this.#reading.push({ real, display: displayPath(path, this.cwd) });
    try {
      let found = 0;
      for (const entry of entries) {
        // hidden files and folders are skipped: .git, editor swap files, a ConfigMap's ..data
        if (entry.name.startsWith('.')) continue;
        found += await this.visitEntry(join(path, entry.name), entry, join(real, entry.name));
      }
      return found;
    } finally {
      this.#reading.pop();
    }
  }

  /**
   * Visits one entry of a folder. Anything that cannot be resolved or read is an error whatever its
   * name: a dangling link may have been a folder of connectors, and skipping it would read as
   * "fewer connectors" (and prune them). Returns the YAML files and problems found. `real` is the
   * entry's real path when it is no link (its folder's real path and its name): only folders and
   * links are resolved, one system call each, never every file of a large folder.
   */
  async visitEntry(child: string, entry: Entry, real: string): Promise<number> {
    let isFile = entry.isFile();
    let isDirectory = entry.isDirectory();
    if (!isFile && !isDirectory) {
      // a symbolic link, or a type the directory listing does not tell: ask the file system
      try {
        const stats = await this.fs.stat(child);
        isFile = stats.isFile();
        isDirectory = stats.isDirectory();
      } catch (error) {
        const what = entry.isSymbolicLink() ? 'is a symbolic link that cannot be followed' : 'cannot be read';
        this.fail(child, 'path-unreadable', `${what}: ${describeFsError(error)}`);
        return 1;
      }
    }
    try {
      if (isDirectory) return await this.walkDirectory(child);
      if (!YAML_FILE.test(entry.name)) return 0;
      if (!isFile) {
        // a FIFO would block the reader, a socket cannot be read: a name like ours is a mistake
        this.fail(
          child,
          'not-a-file',
          'is neither a regular file nor a directory (a FIFO, socket or device)',
        );
        return 1;
      }
      await this.addFile(child, entry.isFile() ? real : undefined);
      return 1;
    } catch (error) {
      this.fail(child, 'path-unreadable', `cannot be read: ${describeFsError(error)}`);
      return 1;
    }
  }

  async visitArgument(path: string): Promise<void> {
    let stats: Awaited<ReturnType<LoaderFs['stat']>>;
    try {
      stats = await this.fs.stat(path);
    } catch (error) {
      this.fail(path, 'path-not-found', describeFsError(error));
      return;
    }
    try {
      if (stats.isDirectory()) {
        const found = await this.walkDirectory(path);
        if (found === 0) {
          this.fail(
            path,
            'no-yaml-files',
            'directory holds no .yaml or .yml files (hidden files and folders are skipped)',
          );
        }
      } else if (stats.isFile()) {
        // a file named explicitly is read whatever its extension: the user chose it
        await this.addFile(path);
      } else {
        this.fail(path, 'not-a-file', 'is neither a regular file nor a directory');
      }
    } catch (error) {
      this.fail(path, 'path-unreadable', `cannot be read: ${describeFsError(error)}`);
    }
  }
}

/**
 * Expands PATH arguments into the YAML files to read: files as given, directories recursively
 * (`*.yaml`, `*.yml`, hidden entries skipped, symbolic links followed once), in a stable order.
 * An entry that cannot be resolved or read, or a link loop, is an issue: never "fewer files".
 */
export async function discoverFiles(paths: readonly string[], cwd: string, fs: LoaderFs): Promise<Discovery> {
  const walker = new Walker(fs, cwd);
  for (const path of paths) await walker.visitArgument(resolve(cwd, path));
  return { files: walker.files, issues: walker.issues, order: walker.order };
}
