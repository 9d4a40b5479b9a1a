import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a child process used, as getrusage reports it. */
export interface Usage {
  maxRssKb: number;
  userMs: number;
  systemMs: number;
}

/** How a child process ended. */
export interface ChildRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** When the child was spawned (epoch ms, the clock of the emulator's request log). */
  startedAt: number;
  stdout: string;
  stderr: string;
  /** Null when the child died before its exit hook ran. */
  usage: Usage | null;
}

/** The repository root (this file runs from dist-check/bench/). */
export const ROOT = resolve(import.meta.dirname, '../..');
/** The real CLI entry, running compiled code from dist/. */
export const CLI = join(ROOT, 'bin/connector-sync.js');
const PROBE = pathToFileURL(join(import.meta.dirname, 'probe.js')).href;

/**
 * Runs `node [script] [args]` with the usage probe preloaded, on the Node that runs the benchmark
 * (Node 24 under npm), and kills it after `timeoutMs`.
 */
export async function runNode(
  script: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs: number },
): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  const started = performance.now();
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', PROBE, script, ...args], {
    cwd: options.cwd,
    env: { ...options.env, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (code, sig) => done([code, sig]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  let usage: Usage | null = null;
  try {
    usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Usage;
  } catch {
    usage = null;
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    exitCode,
    signal,
    wallMs,
    startedAt,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    usage,
  };
}

/** Runs the real CLI (`node bin/connector-sync.js ...`). */
export function runCli(
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs: number },
): Promise<ChildRun> {
  return runNode(CLI, args, options);
}

/** A one-line account of a failed child, for errors. */
export function describeRun(run: ChildRun): string {
  const how = run.signal ? `killed by ${run.signal}` : `exit ${run.exitCode}`;
  const tail = (run.stderr.trim() || run.stdout.trim()).split('\n').slice(-5).join('\n');
  return `${how}\n${tail}`;
}
