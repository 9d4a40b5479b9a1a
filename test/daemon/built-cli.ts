/**
 * The real CLI binary, built once per test file into a temp folder laid out like the package
 * (bin/, dist/, schemas/, node_modules/, package.json), so a test spawns exactly what users run
 * without touching the checkout's own dist/.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');
/** Node 24 from the `node` package: the system node may be older. */
export const NODE = join(ROOT, 'node_modules/.bin/node');

/** Builds the CLI and returns the path of its bin script. */
export async function buildCli(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'cs-build-'));
  try {
    await promisify(execFile)(
      NODE,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(out, 'dist'),
      ],
      { cwd: ROOT },
    );
  } catch (error) {
    // another engineer's file in progress may not type-check; what matters is that it emitted
    if (!existsSync(join(out, 'dist/cli/main.js'))) throw error;
  }
  mkdirSync(join(out, 'bin'));
  for (const file of readdirSync(join(ROOT, 'bin')))
    copyFileSync(join(ROOT, 'bin', file), join(out, 'bin', file));
  copyFileSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  symlinkSync(join(ROOT, 'schemas'), join(out, 'schemas'));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  return join(out, 'bin/connector-sync.js');
}

/** A spawned CLI with its output collected line by line. */
export interface CliProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Spawns `node bin/connector-sync.js ...args`. */
export function spawnCli(
  bin: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): CliProcess {
  const child = spawn(NODE, [bin, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<() => void> = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
      for (const wake of waiters.splice(0)) wake();
    };
  };
  child.stdout!.on('data', collect(stdout));
  child.stderr!.on('data', collect(stderr));
  const exited = new Promise<number | string>((done) =>
    child.on('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      done(code ?? signal ?? -1);
    }),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const line = async (pattern: RegExp, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = stdout.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (gone || Date.now() > deadline)
        throw new Error(
          `no output line matching ${pattern}${gone ? ' (the process exited)' : ''}\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr.join('\n')}`,
        );
      await new Promise<void>((wake) => {
        waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
  };
  return { child, stdout, stderr, exited, line };
}
