import { join, relative, resolve } from 'node:path';
import type { ConnectorsApi } from '../api/types.js';
import { loadSettings, type Settings, type SettingsInput } from '../config/settings.js';
import { defaultStateDir } from '../reconcile/ledger.js';
import { Secret } from '../secret.js';
import { oneEnvironment } from './environments.js';
import type { CliIO } from './io.js';

/** Where a command's API calls go, and how to let go of it afterwards. */
export interface Target {
  api: ConnectorsApi;
  /** For people: the URL requests go to. */
  displayUrl: string;
  /** Stable identity of the workspace (saved plans and the secret ledger are tied to it). */
  id: string;
  /** The API key: with `id`, it tells the secret ledger which workspace it speaks for. */
  apiKey: Secret;
  stateDir: string;
  /** Opens a connection ahead of the first request: the handshakes overlap the work before it. */
  warm(): void;
  close(): Promise<void>;
}

/** The folder --emulator keeps its state in, under the working directory. */
export const EMULATOR_DIR = '.connector-sync';

/**
 * Connects to the API (key from MISTRAL_API_KEY or MISTRAL_API_KEY_FILE), or to the embedded
 * emulator when --emulator is given. Never falls back to the emulator by itself: a CI job that
 * lost its secret must fail, not "succeed" against a toy.
 */
export async function connectTarget(
  io: CliIO,
  settings: Settings,
  options: { emulator: boolean; apiUrlFlag?: string | undefined; concurrency: number },
): Promise<Target> {
  const { createClient } = await import('../api/client.js');
  const environment = settings.environment;
  if (options.emulator) {
    const { startEmulator } = await import('../emulator/index.js');
    // each environment its own embedded workspace, as each has its own workspace in the API
    const dir = resolve(io.cwd, EMULATOR_DIR, ...(environment ? ['env', environment.name] : []));
    const emulator = await startEmulator({ port: 0, statePath: join(dir, 'emulator-state.json') });
    const apiKey = 'emulator';
    const api = createClient({ baseUrl: emulator.url, apiKey, concurrency: options.concurrency });
    return {
      api,
      displayUrl: `the embedded emulator (${relative(io.cwd, dir)}/emulator-state.json)`,
      id: `emulator:${dir}`,
      apiKey: new Secret(apiKey),
      stateDir: settings.stateDir ? environmentStateDir(settings, settings.stateDir) : join(dir, 'state'),
      warm: () => api.warm(),
      close: async () => {
        await api.close();
        await emulator.close();
      },
    };
  }
  const { resolveApiCredentials, resolveEnvironmentKey } = await import('../api/credentials.js');
  const { refuseRepositoryApiUrl } = await import('./api-url-trust.js');
  refuseRepositoryApiUrl(settings, { flag: options.apiUrlFlag, env: io.env });
  const apiUrl = options.apiUrlFlag ?? (io.env.MISTRAL_API_URL ? undefined : settings.apiUrl);
  const environmentKey = environment && {
    // with an environment, the key comes from its api_key_env / api_key_file, never MISTRAL_API_KEY
    apiKey: () => resolveEnvironmentKey(environment.name, environment.apiKey, io.env),
  };
  const credentials = resolveApiCredentials(io.env, { apiUrl }, environmentKey ?? {});
  const api = createClient({
    baseUrl: credentials.baseUrl,
    apiKey: credentials.apiKey,
    concurrency: options.concurrency,
  });
  return {
    api,
    displayUrl: credentials.baseUrl,
    id: credentials.baseUrl,
    apiKey: credentials.apiKey,
    stateDir: environmentStateDir(settings, settings.stateDir ?? defaultStateDir(io.env)),
    warm: () => api.warm(),
    close: () => api.close(),
  };
}

/** An environment's state (its secret ledger) lives apart: two workspaces never share fingerprints. */
function environmentStateDir(settings: Settings, base: string): string {
  return settings.environment ? join(base, 'env', settings.environment.name) : base;
}

/** The flags `auth` and `export` share: where the API is and which names are in scope. */
export interface TargetFlags {
  apiUrl?: string;
  emulator?: boolean;
  settings?: string;
  scope?: string[];
  protect?: string[];
  /** `--env NAME`: one environment of the settings file (CONNECTOR_SYNC_ENV otherwise). */
  env?: string;
}

/** Loads settings (flags > environment > file) and connects, for the one-shot commands. */
export async function openTarget(
  io: CliIO,
  flags: TargetFlags,
  extra: SettingsInput = {},
): Promise<{ settings: Settings; target: Target }> {
  const settings = await loadSettings({
    cwd: io.cwd,
    env: io.env,
    flags: {
      ...extra,
      api_url: flags.apiUrl,
      scope: flags.scope,
      protect: flags.protect,
    },
    ...(flags.settings ? { file: flags.settings } : {}),
  }).then((loaded) => oneEnvironment(loaded, flags.env, io.env));
  const target = await connectTarget(io, settings, {
    emulator: flags.emulator === true,
    apiUrlFlag: flags.apiUrl,
    concurrency: 4,
  });
  return { settings, target };
}
