import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { recordOutput } from './canary.js';
import type { World } from './world.js';

/** The real CLI, compiled (global-setup.ts builds dist/). */
export const CLI = resolve(import.meta.dirname, '../../../bin/connector-sync.js');

/** How a CLI child ended, and what it printed. */
export interface CliRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started CLI child. */
export interface CliChild {
  child: ChildProcess;
  /** What it printed on stdout so far. */
  stdoutSoFar(): string;
  /** Settles when the child has ended; its output is recorded for the canary scan. */
  done: Promise<CliRun>;
}

/**
 * Starts `node [nodeArgs] bin/connector-sync.js ...args` in the world; killed with SIGKILL after
 * `timeoutMs`.
 */
export function startCli(
  world: World,
  args: string[],
  label: string,
  timeoutMs = 90_000,
  nodeArgs: string[] = [],
): CliChild {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd: world.root,
    env: world.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<CliRun>((settle, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const run = {
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      recordOutput(`${label}.stdout`, run.stdout);
      recordOutput(`${label}.stderr`, run.stderr);
      settle(run);
    });
  });
  return { child, done, stdoutSoFar: () => Buffer.concat(stdout).toString('utf8') };
}

/** Runs the CLI to its end. */
export function runCli(world: World, args: string[], label: string, timeoutMs?: number): Promise<CliRun> {
  return startCli(world, args, label, timeoutMs).done;
}

/** The `--output json` document of a sync (see src/render/report-json.ts). */
export interface SyncJson {
  ok: boolean;
  phase: string;
  summary: { failed: number; applied: number; skipped: number };
  plan: { refusals: Array<{ code: string; message: string; flag: string }> } | null;
  results: Array<{
    kind: string;
    name: string;
    status: string;
    error: { code: string; message: string } | null;
  }>;
  error: { code: string; message: string } | null;
}

/** Parses the JSON report a `sync --output json` printed. */
export function syncJson(run: CliRun): SyncJson {
  try {
    return JSON.parse(run.stdout) as SyncJson;
  } catch {
    throw new Error(`sync did not print a JSON report (exit ${run.exitCode}):\n${run.stderr.slice(-2000)}`);
  }
}

/**
 * Every failure was reported: each failed operation carries a cause with a code and a message,
 * and a run that did not succeed says why (a failed operation, a refusal naming its flag, or an
 * error); a run that says it succeeded exited 0.
 */
export function expectFailuresReported(run: CliRun, report: SyncJson): void {
  for (const result of report.results.filter((r) => r.status === 'failed')) {
    expect(result.error?.code, `${result.kind} ${result.name} failed without a cause`).toMatch(/^[A-Z_]+$/);
    expect(result.error?.message.length).toBeGreaterThan(0);
  }
  if (report.ok) {
    expect(run.exitCode).toBe(0);
    expect(report.summary.failed).toBe(0);
    return;
  }
  expect(run.exitCode).toBe(1);
  const explained =
    report.summary.failed > 0 ||
    (report.plan?.refusals.length ?? 0) > 0 ||
    (report.error !== null && report.error.message.length > 0);
  expect(explained, `phase ${report.phase} without a reported cause`).toBe(true);
  for (const refusal of report.plan?.refusals ?? []) expect(refusal.flag.length).toBeGreaterThan(0);
}
