import { dirname, isAbsolute, resolve } from 'node:path';
import type { ConnectorSyncError } from '../errors.js';
import type { SettingsInput } from './settings.js';

/** One entry of the settings file's `environments:`, as written (snake_case, as in the schema). */
export interface EnvironmentInput {
  api_key_env?: string;
  api_key_file?: string;
  api_url?: string;
  paths?: string[];
  scope?: string[];
  protect?: string[];
  prune?: boolean;
  max_deletes?: number;
  max_delete_percent?: number;
  allow_breaking_agents?: boolean;
  state_dir?: string;
  vars?: Record<string, string | number | boolean>;
}

/** Where an environment's API key comes from: never the key itself. */
export type ApiKeySource = { env: string } | { file: string; written: string };

/** An environment of the settings file, checked. */
export interface EnvironmentBlock {
  /** The settings it overrides (the top level's form). */
  values: SettingsInput;
  /** `file:line:column` of its `api_url`, when it sets one. */
  apiUrlSetIn?: string;
  apiKey: ApiKeySource;
  vars: Record<string, string>;
}

/** The settings file's `environments:`, in file order. */
export interface Environments {
  names: string[];
  blocks: Map<string, EnvironmentBlock>;
}

/** The environment a run is for: its name, where its key comes from, its variables. */
export interface EnvironmentSelection {
  name: string;
  apiKey: ApiKeySource;
  vars: Record<string, string>;
}

/** The keys of an environment that are settings of the top level too. */
const OVERRIDES = [
  'api_url',
  'paths',
  'scope',
  'protect',
  'prune',
  'max_deletes',
  'max_delete_percent',
  'allow_breaking_agents',
  'state_dir',
] as const;

/**
 * A value that reads like an API key rather than a variable name or a path: one long run of
 * letters and digits mixing cases and digits (Mistral keys are 32 such characters).
 */
export function looksLikeApiKey(value: string): boolean {
  return /^[A-Za-z0-9]{24,}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
}

/**
 * Checks the `environments:` the schema let through (names, types) for what it cannot say: one
 * key source per environment, and never the key itself. Messages name the place, never a value.
 */
export function readEnvironments(
  raw: Record<string, EnvironmentInput>,
  settingsFile: string,
  where: (segments: string[]) => string,
  invalid: (message: string) => ConnectorSyncError,
): Environments {
  const problems: string[] = [];
  const blocks = new Map<string, EnvironmentBlock>();
  for (const [name, input] of Object.entries(raw)) {
    const at = (key?: string) =>
      where(key === undefined ? ['environments', name] : ['environments', name, key]);
    const apiKey = keySource(input, settingsFile, at, problems);
    const values: SettingsInput = {};
    for (const key of OVERRIDES) {
      if (input[key] !== undefined) Object.assign(values, { [key]: input[key] });
    }
    const block: EnvironmentBlock = {
      values,
      apiKey: apiKey ?? { env: '' },
      vars: Object.fromEntries(Object.entries(input.vars ?? {}).map(([key, value]) => [key, String(value)])),
    };
    if (input.api_url !== undefined) block.apiUrlSetIn = at('api_url');
    blocks.set(name, block);
  }
  if (problems.length > 0) throw invalid(`invalid settings: ${problems.join('; ')}`);
  return { names: [...blocks.keys()], blocks };
}

function keySource(
  input: EnvironmentInput,
  settingsFile: string,
  at: (key?: string) => string,
  problems: string[],
): ApiKeySource | undefined {
  const fromEnv = input.api_key_env;
  const fromFile = input.api_key_file;
  if ((fromEnv === undefined) === (fromFile === undefined)) {
    problems.push(
      `${at()}: give exactly one of api_key_env (the variable holding this workspace's key) and api_key_file (a file holding it)${fromEnv === undefined ? '' : ', not both'}`,
    );
    return undefined;
  }
  const [key, value] = fromEnv !== undefined ? ['api_key_env', fromEnv] : ['api_key_file', fromFile!];
  if (looksLikeApiKey(value)) {
    problems.push(
      `${at(key)}: ${key} looks like an API key itself; it names ${key === 'api_key_env' ? 'the variable holding the key (e.g. MISTRAL_API_KEY_STAGING)' : 'a file holding the key'}, and the key stays out of the repository (revoke this one if it is real)`,
    );
    return undefined;
  }
  if (fromEnv !== undefined) return { env: fromEnv };
  return { file: isAbsolute(value) ? value : resolve(dirname(settingsFile), value), written: value };
}
