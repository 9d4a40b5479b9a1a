import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Builds dist/ once before the suite: the child-process scenarios run the compiled CLI. */
export default function setup(): void {
  const root = resolve(import.meta.dirname, '../..');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc writes dist/ even with type errors; those are `npm run typecheck`'s to report
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`test:faults: tsc -p tsconfig.build.json reported errors:\n${output}\n`);
  }
}
