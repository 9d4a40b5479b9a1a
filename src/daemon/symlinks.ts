import * as nodeFs from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

/** The file operations the walk needs; injectable for tests. */
export type LinkFs = Pick<typeof nodeFs, 'lstat' | 'readlink'>;

/** Loops end here, as the kernel's own limit (ELOOP) would. */
const MAX_HOPS = 40;

/**
 * Every symbolic link met while resolving `path`, the links inside link targets included. A
 * Kubernetes ConfigMap (`name.yaml -> ..data/name.yaml`, `..data -> ..2026_01_01...`) and
 * git-sync (`current -> .worktrees/<sha>`) change what a path means by swapping such a link, which
 * a watcher of the old target never sees: the daemon watches the links themselves.
 */
export async function linksOnPath(path: string, fs: LinkFs = nodeFs): Promise<string[]> {
  const links: string[] = [];
  let pending = components(resolve(path));
  let current: string = sep;
  let hops = 0;
  while (pending.length > 0) {
    const candidate = join(current, pending.shift()!);
    let isLink: boolean;
    try {
      isLink = (await fs.lstat(candidate)).isSymbolicLink();
    } catch {
      break; // the rest does not exist yet: the watcher of the nearest parent sees it appear
    }
    if (!isLink) {
      current = candidate;
      continue;
    }
    if (++hops > MAX_HOPS) break;
    if (!links.includes(candidate)) links.push(candidate);
    const target = resolve(current, await fs.readlink(candidate));
    pending = [...components(target), ...pending];
    current = sep;
  }
  return links;
}

function components(path: string): string[] {
  return path.split(sep).filter(Boolean);
}
