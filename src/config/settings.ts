import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { ConnectorSyncError, UsageError } from '../errors.js';
import { yaml } from '../yaml.js';
import { parseDuration } from './duration.js';
import {
  type EnvironmentInput,
  type EnvironmentSelection,
  type Environments,
  readEnvironments,
} from './environments.js';
import { compilePolicy, type Policy, type PolicyInput } from './policy.js';
import { closestMatch } from './suggest.js';
import { validator } from './validators.js';
import type { VarsContext } from './vars.js';

const { LineCounter, parseDocument } = yaml;

/** One webhook of `notify:` (the daemon sends to it; src/daemon/notify.ts). */
export interface NotifyInput {
  url: string;
  format?: 'slack' | 'json';
  events: Array<'failure' | 'recovered' | 'drift' | 'pending_auth' | 'tool_change' | 'config_invalid'>;
}

/** The settings file looked for in the working directory when --settings is not given. */
export const DEFAULT_SETTINGS_FILE = '.connector-sync.yaml';

/** Settings as the file and the environment spell them (snake_case, as in the schema). */
export interface SettingsInput {
  api_url?: string;
  paths?: string[];
  scope?: string[];
  protect?: string[];
  prune?: boolean;
  allow_breaking_agents?: boolean;
  max_deletes?: number;
  max_delete_percent?: number;
  concurrency?: number;
  timeout?: string;
  state_dir?: string;
  auth_return_url?: string;
  schedule?: string;
  read_only?: boolean;
  suspend?: boolean;
  policy?: PolicyInput;
  notify?: NotifyInput[];
  environments?: Record<string, EnvironmentInput>;
}

/** Settings after precedence (flags > environment > file > defaults). */
export interface Settings {
  apiUrl: string | undefined;
  paths: string[];
  scope: string[];
  protect: string[];
  prune: boolean;
  /** Delete, replace or rename connectors agents use (or while the agents cannot be read). */
  allowBreakingAgents: boolean;
  maxDeletes: number;
  maxDeletePercent: number;
  concurrency: number;
  /** The total time of one run (a sync, or one reconcile of the daemon). */
  timeoutMs: number;
  stateDir: string | undefined;
  authReturnUrl: string | undefined;
  schedule: string;
  readOnly: boolean;
  suspend: boolean;
  /** The settings file's `policy:` (never from the environment or a flag: the repository's rules). */
  policy: Policy | undefined;
  /** Daemon: webhooks, their URLs still references (resolved only to send). From the file only. */
  notify: Array<Required<NotifyInput>>;
  /** The settings file that was read, if any. */
  file: string | undefined;
  /**
   * Where the settings file set `api_url` (`file:line:column`) when the API URL comes from there
   * and not from a flag or the environment: the repository, which a pull request can change, chose it.
   */
  apiUrlSetIn?: string;
  /** The settings file's `environments:` (absent when it declares none; not enumerable): see environments.ts. */
  environments?: Environments & { layers: SettingsLayers };
  /** The environment these settings are for, when one was selected (settingsForEnvironment). */
  environment?: EnvironmentSelection;
}

export const DEFAULT_SETTINGS: Omit<Settings, 'file'> = {
  apiUrl: undefined,
  paths: ['connectors'],
  scope: [],
  protect: [],
  prune: false,
  allowBreakingAgents: false,
  maxDeletes: 50,
  maxDeletePercent: 30,
  concurrency: 16,
  timeoutMs: 15 * 60_000,
  stateDir: undefined,
  authReturnUrl: undefined,
  schedule: '*/5 * * * *',
  readOnly: false,
  suspend: false,
  policy: undefined,
  notify: [],
};

/** Settings only the file holds: structured values no variable or flag spells. */
const FILE_ONLY: ReadonlySet<string> = new Set(['policy', 'notify', 'environments']);

const ENV_PREFIX = 'CONNECTOR_SYNC_';

/**
 * Loads settings: the file (explicit, or .connector-sync.yaml when present), then CONNECTOR_SYNC_*
 * variables, then flags. Every source is validated against schemas/settings.schema.json; a problem
 * names its file and line, or its variable.
 */
export async function loadSettings(input: {
  cwd: string;
  env: Record<string, string | undefined>;
  flags: SettingsInput;
  file?: string;
}): Promise<Settings> {
  const path =
    input.file === undefined ? resolve(input.cwd, DEFAULT_SETTINGS_FILE) : resolve(input.cwd, input.file);
  const fromFile = await readSettingsFile(path, input.file !== undefined);
  const fromEnv = settingsFromEnv(input.env);
  checkAgainstSchema(fromEnv, (key) => `${ENV_PREFIX}${key.toUpperCase()}`);
  checkAgainstSchema(input.flags, (key) => `--${key.replace(/_/g, '-')}`);
  const { environments, ...file } = fromFile ?? { environments: undefined };
  const layers: SettingsLayers = {
    cwd: input.cwd,
    file: fromFile && (file as SettingsFileRead),
    fromEnv,
    flags: definedOnly(input.flags),
  };
  const settings = settingsFromLayers(layers);
  if (environments !== undefined) {
    // not enumerable: settings are printed and compared as plain values
    Object.defineProperty(settings, 'environments', {
      value: { ...environments, layers },
      enumerable: false,
    });
  }
  return settings;
}

/** The names of the settings file's `environments:`, in file order (empty when it declares none). */
export function environmentNames(settings: Settings): string[] {
  return settings.environments?.names ?? [];
}

/**
 * The settings of one environment: its block between the file's top level and the
 * CONNECTOR_SYNC_* variables and flags, its key source and its `vars`. An unknown name is a
 * usage error listing the names.
 */
export function settingsForEnvironment(
  settings: Settings,
  name: string,
): { settings: Settings; vars: Record<string, string> } {
  const environments = settings.environments;
  const block = environments?.blocks.get(name);
  if (environments === undefined || block === undefined)
    throw unknownEnvironment(name, environmentNames(settings));
  const chosen = settingsFromLayers(environments.layers, block);
  Object.defineProperty(chosen, 'environments', { value: environments, enumerable: false });
  chosen.environment = { name, apiKey: block.apiKey, vars: block.vars };
  return { settings: chosen, vars: block.vars };
}

/** `--env` naming no environment of the settings file. */
export function unknownEnvironment(name: string, names: readonly string[]): UsageError {
  if (names.length === 0)
    return new UsageError(
      `--env ${name}: the settings file declares no environments`,
      'declare `environments:` in the settings file (see schemas/settings.schema.json), or run without --env',
    );
  const near = closestMatch(name, names);
  return new UsageError(
    `--env ${name}: no such environment${near ? ` (did you mean ${near}?)` : ''}; the settings file declares: ${names.join(', ')}`,
    'name one of them, several separated by commas, or all',
  );
}

/** What a run's settings are made of, kept so an environment can be slotted in between. */
export interface SettingsLayers {
  cwd: string;
  file: SettingsFileRead | undefined;
  fromEnv: SettingsInput;
  flags: SettingsInput;
}

/**
 * Settings after precedence: flags > CONNECTOR_SYNC_* variables > the environment's block (when
 * one is given) > the file's top level > defaults.
 */
export function settingsFromLayers(
  layers: SettingsLayers,
  environment?: { values: SettingsInput; apiUrlSetIn?: string },
): Settings {
  const { file: fromFile, fromEnv, flags } = layers;
  const merged: SettingsInput = { ...fromFile?.values, ...environment?.values, ...fromEnv, ...flags };
  const settings: Settings = {
    apiUrl: merged.api_url,
    paths: merged.paths ?? DEFAULT_SETTINGS.paths,
    scope: merged.scope ?? DEFAULT_SETTINGS.scope,
    protect: merged.protect ?? DEFAULT_SETTINGS.protect,
    prune: merged.prune ?? DEFAULT_SETTINGS.prune,
    allowBreakingAgents: merged.allow_breaking_agents ?? DEFAULT_SETTINGS.allowBreakingAgents,
    maxDeletes: merged.max_deletes ?? DEFAULT_SETTINGS.maxDeletes,
    maxDeletePercent: merged.max_delete_percent ?? DEFAULT_SETTINGS.maxDeletePercent,
    concurrency: merged.concurrency ?? DEFAULT_SETTINGS.concurrency,
    // the schema's pattern has checked the form
    timeoutMs: merged.timeout === undefined ? DEFAULT_SETTINGS.timeoutMs : parseDuration(merged.timeout)!,
    stateDir: merged.state_dir === undefined ? undefined : resolveFrom(layers.cwd, merged.state_dir),
    authReturnUrl: merged.auth_return_url,
    schedule: merged.schedule ?? DEFAULT_SETTINGS.schedule,
    readOnly: merged.read_only ?? DEFAULT_SETTINGS.readOnly,
    suspend: merged.suspend ?? DEFAULT_SETTINGS.suspend,
    policy: fromFile?.policy,
    notify: (fromFile?.values.notify ?? []).map((hook) => ({ format: 'json', ...hook })),
    file: fromFile?.path,
  };
  const operatorChoseApiUrl = flags.api_url !== undefined || fromEnv.api_url !== undefined;
  // the environment's api_url, when it has one, is the one the repository chose
  const setIn = environment?.values.api_url !== undefined ? environment.apiUrlSetIn : fromFile?.apiUrlSetIn;
  if (!operatorChoseApiUrl && setIn !== undefined) settings.apiUrlSetIn = setIn;
  return settings;
}

/** The settings file as read: its top-level values, and what environments need to know of it. */
export interface SettingsFileRead {
  path: string;
  /** The top level, without `environments:`. */
  values: SettingsInput;
  policy?: Policy;
  apiUrlSetIn?: string;
  environments?: Environments;
}

/** Reads and validates the settings file; absent is fine unless it was named explicitly. */
async function readSettingsFile(path: string, explicit: boolean): Promise<SettingsFileRead | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(`cannot read the settings file ${path}: ${(error as Error).message}`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const [syntax] = doc.errors;
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw invalid(`${path}:${line}:${col}: ${syntax.message.split('\n')[0]}`);
  }
  const values = (doc.toJS() ?? {}) as SettingsInput;
  checkAgainstSchema(values, (key, error) => {
    const segments = error.instancePath.split('/').filter(Boolean);
    const node = doc.getIn(segments.length > 0 ? segments : [key], true) as { range?: [number] } | undefined;
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return `${path}:${line}:${col}: ${key}`;
  });
  const where = (segments: string[]) => {
    const node = doc.getIn(segments, true) as { range?: [number] } | undefined;
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${path}:${line}:${col}`;
  };
  const { environments, ...topLevel } = values;
  const read: SettingsFileRead = { path, values: topLevel };
  if (values.policy !== undefined) {
    const { policy, problems } = compilePolicy(values.policy);
    if (problems.length > 0)
      throw invalid(
        `invalid settings: ${problems.map(([key, why]) => `${where(key)}: ${key.join('.')} ${why}`).join('; ')}`,
      );
    read.policy = policy;
  }
  if (values.api_url !== undefined) read.apiUrlSetIn = where(['api_url']);
  if (environments !== undefined) read.environments = readEnvironments(environments, path, where, invalid);
  return read;
}

/** CONNECTOR_SYNC_PRUNE=true, CONNECTOR_SYNC_SCOPE=team-*,ops-*, and so on. */
function settingsFromEnv(env: Record<string, string | undefined>): SettingsInput {
  const values: Record<string, unknown> = {};
  const schema = settingsSchema();
  for (const [key, spec] of Object.entries(schema.properties)) {
    if (FILE_ONLY.has(key)) continue;
    const name = `${ENV_PREFIX}${key.toUpperCase()}`;
    const raw = env[name];
    if (raw === undefined) continue;
    if (spec.type === 'array') values[key] = parseEnvList(name, raw);
    else if (raw !== '') values[key] = parseEnvValue(raw, spec.type);
  }
  return values as SettingsInput;
}

/**
 * A list variable that is set is read strictly: blank, or with a blank entry, it is a mistake (an
 * unset CI variable, a stray comma), never an empty list, which would mean every name for scope
 * and no protection for protect, and would override the settings file.
 */
function parseEnvList(name: string, raw: string): string[] {
  const entries = raw.split(',').map((part) => part.trim());
  if (!entries.includes('')) return entries;
  const what = raw.trim() === '' ? 'is set but blank' : `has a blank entry (${JSON.stringify(raw)})`;
  throw new UsageError(
    `${name} ${what}; a blank list is never read as "all" or "none"`,
    `unset ${name} to use the settings file or the default, or give comma-separated values without empty ones`,
  );
}

function parseEnvValue(raw: string, type: string): unknown {
  if (type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return raw;
  }
  if (type === 'integer' || type === 'number')
    return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return raw;
}

interface SettingsSchema {
  properties: Record<string, { type: string; description: string }>;
}

let schemaCache: SettingsSchema | undefined;

function settingsSchema(): SettingsSchema {
  schemaCache ??= JSON.parse(
    readFileSync(new URL('../../schemas/settings.schema.json', import.meta.url), 'utf8'),
  ) as SettingsSchema;
  return schemaCache;
}

/** Validates one source; `where` names the place of a bad key (file:line, variable or flag). */
function checkAgainstSchema(values: object, where: (key: string, error: ErrorObject) => string): void {
  const validate = validator('settings');
  if (validate(values)) return;
  const messages = (validate.errors ?? []).map((error) => {
    const key =
      error.keyword === 'additionalProperties'
        ? String((error.params as { additionalProperty: string }).additionalProperty)
        : (error.instancePath.split('/')[1] ?? '');
    const detail = describeSchemaError(error);
    return `${where(key, error)} ${detail}`;
  });
  throw invalid(`invalid settings: ${[...new Set(messages)].join('; ')}`);
}

/** The schema's complaint in words a person acts on (the blank-list rules say why they exist). */
function describeSchemaError(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties' && /^\/environments\/[^/]+$/.test(error.instancePath)) {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    return key === 'api_key'
      ? 'is never written in the settings file: name the variable holding the key with api_key_env, or a file holding it with api_key_file (revoke this key if it is real)'
      : 'is not a setting of an environment';
  }
  if (error.keyword === 'additionalProperties') return 'is not a setting';
  if (error.params.propertyName !== undefined && error.instancePath.endsWith('/vars'))
    return `${JSON.stringify(String(error.params.propertyName))} is not a valid variable name: letters, digits and \`_\`, not starting with a digit`;
  if (error.keyword === 'propertyNames' || error.params.propertyName !== undefined)
    return `${JSON.stringify(String(error.params.propertyName ?? ''))} is not a valid name: lower-case letters, digits and \`-\`, starting with a letter, at most 32 characters`;
  if (error.keyword === 'minItems')
    return 'is an empty list, which is never read as "all" or "none": remove the key for the default, or list values';
  if (error.keyword === 'pattern' && error.params.pattern === '\\S') return 'is blank';
  if (error.keyword === 'pattern' && /^\/notify\/\d+\/url$/.test(error.instancePath))
    return `must be a reference, \`\${env:NAME}\` or \`\${file:PATH}\`: a webhook URL is a credential and stays out of the repository`;
  return error.message ?? 'is invalid';
}

function definedOnly(values: SettingsInput): SettingsInput {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as SettingsInput;
}

function resolveFrom(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function invalid(message: string): ConnectorSyncError {
  return new ConnectorSyncError('SETTINGS_INVALID', message, {
    hint: `see schemas/settings.schema.json for the settings and their types`,
  });
}

/** The `${var:NAME}` values connector files see under these settings (none without an environment). */
export function varsFor(settings: Settings): VarsContext {
  return {
    environment: settings.environment?.name,
    values: settings.environment?.vars ?? {},
    environments: environmentNames(settings),
  };
}
