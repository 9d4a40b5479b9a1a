/**
 * An in-process daemon against the real emulator, over real files in a temp folder, with real
 * timers and a short debounce: what the end-to-end daemon tests start.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClient } from '../../src/api/client.js';
import type { ConnectorsApi } from '../../src/api/types.js';
import { loadDesiredState } from '../../src/config/load.js';
import { loadSettings } from '../../src/config/settings.js';
import { type DaemonParts, type RunningDaemon, startDaemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/logger.js';
import type { StatusView } from '../../src/daemon/status.js';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { openLedger } from '../../src/reconcile/ledger.js';
import { Secret } from '../../src/secret.js';

/** What a test sets up. */
export interface HarnessOptions {
  /** Files to write before starting, relative to the temp folder. */
  files?: Record<string, string>;
  /** Paths the daemon reconciles, relative to the temp folder (default `connectors`). */
  paths?: string[];
  token?: string | null;
  debounceMs?: number;
  env?: Record<string, string>;
  emulator?: EmulatorOptions;
  /** Flags that settings files and the environment may not override. */
  flags?: { schedule?: string; read_only?: boolean; prune?: boolean };
  pushSecrets?: string[];
  /** Runs on the temp folder before the daemon starts (links, layouts `files` cannot express). */
  prepare?: (dir: string) => void;
  /** Webhook delivery (fetch, retry bounds); references resolve against `env` and the temp folder. */
  notify?: DaemonParts['notify'];
}

/** A running daemon and everything around it. */
export interface Harness {
  dir: string;
  emulator: RunningEmulator;
  daemon: RunningDaemon;
  api: ConnectorsApi;
  url: string;
  /** Raw log lines, as the daemon wrote them. */
  logs: string[];
  write(path: string, text: string): void;
  remove(path: string): void;
  view(): StatusView;
  /** Reconciles finished so far. */
  reconciles(): number;
  /** Stops the emulator and starts a new one on the same port and state file. */
  restartEmulator(downMs: number, onDown?: () => Promise<void>): Promise<void>;
  request(
    method: string,
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** A control token for tests (at least 16 characters). */
export const TEST_TOKEN = 'test-control-token-0123456789abcdef';

/** Starts the emulator and a daemon on a fresh temp folder. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-daemon-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, text] of Object.entries(options.files ?? {})) write(path, text);
  options.prepare?.(dir);
  const statePath = join(dir, 'emulator-state.json');
  const emulatorOptions: EmulatorOptions = { builtins: false, statePath, ...options.emulator };
  let emulator = await startEmulator(emulatorOptions);
  const api = createClient({
    baseUrl: emulator.url,
    apiKey: 'test-key',
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
    timeouts: { connectMs: 1000, headersMs: 5000, bodyMs: 5000 },
  });
  const logs: string[] = [];
  const logger = await createLogger({
    level: 'debug',
    pretty: false,
    sink: { write: (line) => logs.push(line) },
  });
  const env = { ...options.env };
  const settingsInput = { cwd: dir, env, flags: { ...options.flags } };
  const settings = await loadSettings(settingsInput);
  const paths = options.paths ?? ['connectors'];
  const daemon = await startDaemon({
    paths: paths.map((path) => join(dir, path)),
    watchFiles: [join(dir, '.connector-sync.yaml')],
    api,
    apiId: emulator.url,
    apiDisplayUrl: emulator.url,
    openLedger: () => openLedger(join(dir, 'state'), emulator.url, new Secret('test-key')),
    loadDesired: (current) =>
      loadDesiredState(paths, { resolve: true, cwd: dir, env, policy: current.policy }),
    loadSettings: () => loadSettings(settingsInput),
    settings,
    flags: {
      allowEmpty: false,
      allowReplace: false,
      forceDeletes: false,
      pushSecrets: options.pushSecrets ?? [],
    },
    host: '127.0.0.1',
    port: 0,
    debounceMs: options.debounceMs ?? 50,
    controlToken: options.token === undefined ? TEST_TOKEN : options.token,
    logger,
    toolVersion: '0.0.0-test',
    backoff: { initialMs: 50, maxMs: 300 },
    processMetrics: false,
    notify: { env, cwd: dir, ...options.notify },
    knownSecrets: ['test-key'],
  });
  return {
    dir,
    get emulator() {
      return emulator;
    },
    daemon,
    api,
    url: daemon.url,
    logs,
    write,
    remove: (path) => rmSync(join(dir, path), { recursive: true, force: true }),
    view: () => daemon.status.view(),
    reconciles: () => daemon.status.view().history[0]?.id ?? 0,
    restartEmulator: async (downMs, onDown) => {
      const port = emulator.port;
      await emulator.close();
      await onDown?.();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      emulator = await startEmulator({ ...emulatorOptions, port });
    },
    request: async (method, path, headers = {}) => {
      const response = await fetch(`${daemon.url}${path}`, { method, headers, redirect: 'manual' });
      return { status: response.status, text: await response.text(), headers: response.headers };
    },
    close: async () => {
      await daemon.stop({ timeoutMs: 10_000 });
      await api.close();
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it holds (returns truthy) or `timeoutMs` passes; the error says what was awaited. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 8000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One connector file. */
export function connectorYaml(name: string, fields: Record<string, string> = {}): string {
  const lines = [
    `name: ${name}`,
    `description: ${fields.description ?? `The ${name} connector`}`,
    `server: ${fields.server ?? `https://${name}.example.com/mcp`}`,
  ];
  for (const [key, value] of Object.entries(fields))
    if (key !== 'description' && key !== 'server') lines.push(`${key}: ${value}`);
  return `${lines.join('\n')}\n`;
}
