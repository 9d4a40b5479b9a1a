/**
 * In-process CLI runs for the command tests: `runCli` with a recording io, a temporary working
 * directory, and (when a test needs one) the emulator on loopback with the runner's API key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { type RunningEmulator, type SeedConnector, startEmulator } from '../../src/emulator/index.js';

/** The API key of these tests; a canary: no output may contain it. */
export const API_KEY = 'cli-test-key-canary-0e4b7d21';

/** What a run showed. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary working directory and, optionally, an emulator the CLI is pointed at. */
export interface CliWorld {
  cwd: string;
  emulator: RunningEmulator;
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string | undefined>, options?: RunOptions): Promise<CliRun>;
  close(): Promise<void>;
}

/** Starts an emulator seeded with `seed` and a temporary working directory. */
export async function openCliWorld(seed: SeedConnector[] = []): Promise<CliWorld> {
  const cwd = await mkdtemp(join(tmpdir(), 'cli-test-'));
  const emulator = await startEmulator({ port: 0, apiKey: API_KEY, seed });
  const env = {
    HOME: cwd,
    MISTRAL_API_KEY: API_KEY,
    MISTRAL_API_URL: emulator.url,
    CONNECTOR_SYNC_STATE_DIR: join(cwd, '.state'),
  };
  return {
    cwd,
    emulator,
    env,
    run: (args, extraEnv = {}, options = {}) => runIn(cwd, { ...env, ...extraEnv }, args, options),
    close: async () => {
      await emulator.close();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

/** How a run's process looks: its interrupt signal, and whether stderr is a terminal. */
export interface RunOptions {
  signal?: AbortSignal;
  stderrIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  /** Sees each piece of stdout as it is written (what a CI log shows while the run goes on). */
  onStdout?: (text: string) => void;
}

/** Runs the CLI in-process; `undefined` values remove a variable. */
export async function runIn(
  cwd: string,
  env: Record<string, string | undefined>,
  args: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: {
      write: (text: string) => {
        stdout += text;
        options.onStdout?.(text);
        return true;
      },
      isTTY: options.stdoutIsTTY === true,
    },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.stderrIsTTY === true },
    env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
    cwd,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Write requests the emulator answered (POST, PUT, PATCH, DELETE). */
export function writesOf(emulator: RunningEmulator): string[] {
  return emulator.requestLog
    .filter((entry) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(entry.method))
    .map((entry) => `${entry.method} ${entry.path}`);
}
