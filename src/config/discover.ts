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

class Walker {
  readonly files: DiscoveredFile[] = [];
  readonly issues: ConfigIssue[] = [];
  readonly order: string[] = [];
  // real paths already taken: a file reached twice (an argument and its directory, two symbolic
  // links) is read once, and a symbolic link loop ends instead of recursing forever
  readonly #seenFiles = new Set<string>();
  readonly #seenDirs = new Set<string>();

  constructor(
    private readonly fs: LoaderFs,
    private readonly cwd: string,
  ) {}

  fail(path: string, code: string, message: string): void {
    const display = displayPath(path, this.cwd);
    this.order.push(display);
    this.issues.push(makeIssue(code, message, wholeFile(display)));
  }

  async addFile(path: string): Promise<void> {
    const real = await this.fs.realpath(path);
    if (this.#seenFiles.has(real)) return;
    this.#seenFiles.add(real);
    const display = displayPath(path, this.cwd);
    this.order.push(display);
    this.files.push({ path, display });
  }

  /** Reads a directory recursively; returns how many YAML files it (and its sub-directories) held. */
  async walkDirectory(path: string): Promise<number> {
    const real = await this.fs.realpath(path);
    if (this.#seenDirs.has(real)) return 0;
    this.#seenDirs.add(real);
    const entries = [...(await this.fs.readdir(path))].sort(byName);
    let found = 0;
    for (const entry of entries) {
      // hidden files and folders are skipped: .git, editor swap files, a ConfigMap's ..data
      if (entry.name.startsWith('.')) continue;
      const child = join(path, entry.name);
      found += await this.visitEntry(child, entry);
    }
    return found;
  }

  async visitEntry(
    child: string,
    entry: { name: string; isFile(): boolean; isDirectory(): boolean },
  ): Promise<number> {
    let isFile = entry.isFile();
    let isDirectory = entry.isDirectory();
    if (!isFile && !isDirectory) {
      // a symbolic link (or something odd): follow it, and report a dangling one if it looks like ours
      try {
        const stats = await this.fs.stat(child);
        isFile = stats.isFile();
        isDirectory = stats.isDirectory();
      } catch (error) {
        if (YAML_FILE.test(entry.name)) {
          this.fail(child, 'path-unreadable', `cannot be read: ${describeFsError(error)}`);
          return 1;
        }
        return 0;
      }
    }
    try {
      if (isDirectory) return await this.walkDirectory(child);
      if (isFile && YAML_FILE.test(entry.name)) {
        await this.addFile(child);
        return 1;
      }
    } catch (error) {
      this.fail(child, 'path-unreadable', `cannot be read: ${describeFsError(error)}`);
      return 1;
    }
    return 0;
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
 */
export async function discoverFiles(paths: readonly string[], cwd: string, fs: LoaderFs): Promise<Discovery> {
  const walker = new Walker(fs, cwd);
  for (const path of paths) await walker.visitArgument(resolve(cwd, path));
  return { files: walker.files, issues: walker.issues, order: walker.order };
}
