import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'connector-sync.js');

/**
 * Runs the built CLI (`npm run build` first) in `dir` with `probe` (module code) loaded before the
 * launcher, and its own compile cache: what a process does on its own, seen from inside.
 */
export async function runProbedCli(
  dir: string,
  probe: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const file = join(dir, 'probe.mjs');
  await writeFile(file, probe);
  return run(process.execPath, ['--import', pathToFileURL(file).href, BIN, ...args], {
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), ...env },
  });
}
