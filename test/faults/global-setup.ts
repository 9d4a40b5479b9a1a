import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { scanOutputs } from './support/canary.js';

/** Outputs of fewer bytes mean the scenarios did not record what they produced: the scan proves nothing. */
const MIN_SCANNED_BYTES = 100_000;

/**
 * Builds dist/ once (the child-process scenarios run the compiled CLI), gives the test files a
 * folder to record every output in, and at the end scans all of it for the canary secrets.
 */
export default function setup(project: TestProject): () => void {
  const root = resolve(import.meta.dirname, '../..');
  const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // tsc writes dist/ even with type errors; those are `npm run typecheck`'s to report
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    process.stderr.write(`test:faults: tsc -p tsconfig.build.json reported errors:\n${output}\n`);
  }
  const outputDir = mkdtempSync(join(tmpdir(), 'cs-faults-outputs-'));
  project.provide('faultsOutputDir', outputDir);
  return () => {
    const scan = scanOutputs(outputDir);
    rmSync(outputDir, { recursive: true, force: true });
    // a run of a few files (`npm run test:faults -- test/faults/x.test.ts`) may produce little output
    const filtered = process.argv.slice(2).some((arg) => arg.includes('test/faults'));
    process.stdout.write(
      `test:faults canary scan: ${scan.files} outputs, ${scan.bytes} bytes, ${scan.leaks.length} canary secret(s) found\n`,
    );
    if (scan.leaks.length > 0) throw new Error(`canary secrets leaked:\n${scan.leaks.join('\n')}`);
    if (!filtered && scan.bytes < MIN_SCANNED_BYTES) {
      throw new Error(
        `the canary scan saw only ${scan.bytes} bytes of output: the scenarios recorded nothing`,
      );
    }
  };
}
