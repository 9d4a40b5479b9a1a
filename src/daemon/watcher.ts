import { basename, dirname, resolve } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import type { Timers } from './clock.js';
import { Debouncer } from './debounce.js';
import { linksOnPath } from './symlinks.js';

/** What to watch and whom to tell. */
export interface WatcherOptions {
  /** Files and folders of the desired state. */
  paths: string[];
  /** Other files whose change should trigger a reconcile (the settings file). */
  extraFiles: string[];
  /** Quiet time before a burst of changes triggers one reconcile. */
  debounceMs: number;
  /** Called once per burst, with the paths that changed (for the log). */
  onChange: (paths: string[]) => void;
  onError: (error: Error) => void;
  timers: Timers;
  now: () => number;
}

/** A running watcher. */
export interface DesiredStateWatcher {
  /** Stops watching; pending changes are dropped. */
  close(): Promise<void>;
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Editor temp and backup files: vim's swap files and its `4913` write probe, `~` backups, emacs
 * lock files, JetBrains' safe-write files, Sublime's and gedit's temp files.
 */
const EDITOR_TEMP = [
  /\.sw[a-p]$/i,
  /\.swx$/i,
  /~$/,
  /^\.#/,
  /^4913$/,
  /___jb_(tmp|old)___$/,
  /^\.subl.*\.tmp$/,
  /^\.goutputstream-/,
];

/** True for paths that never change the desired state (editor temp files, VCS internals). */
export function isIgnoredPath(path: string): boolean {
  const name = basename(path);
  if (name === '.git' || name === 'node_modules') return true;
  return EDITOR_TEMP.some((pattern) => pattern.test(name));
}

/**
 * Watches the desired state and calls `onChange` once per debounced burst. File events count for
 * YAML files and the extra files; folder events always count (a ConfigMap swaps a whole folder).
 * Symbolic links on the way to a watched path are watched too: when one is swapped, both watchers
 * are rebuilt on the new targets.
 */
export async function watchDesiredState(options: WatcherOptions): Promise<DesiredStateWatcher> {
  const paths = options.paths.map((path) => resolve(path));
  const extra = new Set(options.extraFiles.map((path) => resolve(path)));
  let changed = new Set<string>();
  const debouncer = new Debouncer({
    quietMs: options.debounceMs,
    maxWaitMs: options.debounceMs * 10,
    timers: options.timers,
    now: options.now,
    onFire: () => {
      const list = [...changed].sort();
      changed = new Set();
      options.onChange(list);
    },
  });
  const note = (path: string) => {
    changed.add(path);
    debouncer.poke();
  };

  let watchers: FSWatcher[] = [];
  let closed = false;
  let rebuilding: Promise<void> = Promise.resolve();

  const open = async (): Promise<void> => {
    const targets = [...paths, ...extra];
    const links = new Set((await Promise.all(targets.map((path) => linksOnPath(path)))).flat());
    const content = watch(targets, { ignoreInitial: true, ignored: isIgnoredPath });
    const roots = new Set(targets);
    content.on('all', (event, path) => {
      const isFileEvent = event === 'add' || event === 'change' || event === 'unlink';
      const absolute = resolve(path);
      if (!isFileEvent || YAML_FILE.test(absolute) || extra.has(absolute) || links.has(absolute))
        note(absolute);
      // a watched path that appears may be (or go through) a link: find its links again
      if (roots.has(absolute) && (event === 'add' || event === 'addDir')) rebuild();
    });
    content.on('error', (error) => options.onError(error as Error));
    const opened = [content];
    if (links.size > 0) {
      const parents = [...new Set([...links].map((link) => dirname(link)))];
      const linkWatcher = watch(parents, { ignoreInitial: true, depth: 0, followSymlinks: false });
      linkWatcher.on('all', (_event, path) => {
        const absolute = resolve(path);
        if (!links.has(absolute)) return;
        note(absolute);
        rebuild();
      });
      linkWatcher.on('error', (error) => options.onError(error as Error));
      opened.push(linkWatcher);
    }
    watchers = opened;
    await Promise.all(
      opened.map((watcher) => new Promise<void>((ready) => watcher.once('ready', () => ready()))),
    );
  };

  const shut = async () => {
    const old = watchers;
    watchers = [];
    await Promise.all(old.map((watcher) => watcher.close()));
  };

  // a swapped link points the watched path at a new folder: watch that one (and its links) instead
  const rebuild = () => {
    rebuilding = rebuilding
      .then(async () => {
        if (closed) return;
        await shut();
        if (!closed) await open();
      })
      .catch((error: unknown) => options.onError(error as Error));
  };

  await open();
  return {
    close: async () => {
      closed = true;
      debouncer.cancel();
      await rebuilding;
      await shut();
    },
  };
}
