import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/**
 * A library the build bundled into one file beside the compiled CLI (scripts/build-vendor.ts):
 * one module to resolve and read instead of dozens, each of which a process otherwise loads
 * before its first API call (bench/README.md has the cost). Without the bundle (the tests run
 * src/, or a build skipped the step) `fallback` loads the package itself: slower, never broken.
 */
export function loadBundled<T>(url: URL, fallback: () => T): T {
  try {
    return require(fileURLToPath(url)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return fallback();
  }
}
