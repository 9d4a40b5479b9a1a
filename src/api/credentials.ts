import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { ConnectorSyncError, UsageError } from '../errors.js';
import { Secret } from '../secret.js';

/** Mistral's public API. */
export const DEFAULT_API_URL = 'https://api.mistral.ai';

/** The key and the base URL a client needs. */
export interface ApiCredentials {
  apiKey: Secret;
  /** An http(s) URL without a trailing slash. */
  baseUrl: string;
}

/** Command-line settings that override the environment. */
export interface CredentialFlags {
  /** `--api-url`. */
  apiUrl?: string | undefined;
}

/** File access, injectable for tests. */
export interface CredentialDeps {
  readFile?: (path: string) => string;
  /** The key from elsewhere than MISTRAL_API_KEY(_FILE): an environment of the settings file. */
  apiKey?: () => Secret;
}

/**
 * Resolves the API key (MISTRAL_API_KEY, or MISTRAL_API_KEY_FILE for mounted secrets) and the
 * base URL (--api-url, then MISTRAL_API_URL, then the public API). It never falls back to the
 * emulator by itself: a run that finds no key stops and says how to give one (DESIGN.md).
 */
export function resolveApiCredentials(
  env: Readonly<Record<string, string | undefined>>,
  flags: CredentialFlags = {},
  deps: CredentialDeps = {},
): ApiCredentials {
  return {
    apiKey: deps.apiKey?.() ?? resolveApiKey(env, deps.readFile ?? readKeyFile),
    baseUrl: resolveBaseUrl(env, flags),
  };
}

/** Where an environment of the settings file reads its key (config/environments.ts). */
export type KeySource = { env: string } | { file: string; written: string };

/**
 * The API key of an environment of the settings file, from the variable or file it names (never
 * MISTRAL_API_KEY: one workspace's key must not reach another). Messages name the source, never a value.
 */
export function resolveEnvironmentKey(
  environment: string,
  source: KeySource,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string = readKeyFile,
): Secret {
  if ('env' in source) {
    const value = nonEmpty(ownVariable(env, source.env));
    if (value === undefined) {
      throw new ConnectorSyncError(
        'NO_API_KEY',
        `no API key for environment ${environment}: ${source.env} (its api_key_env) is not set${ownVariable(env, source.env) === undefined ? '' : ' or is blank'}`,
        { hint: `set ${source.env} to the API key of that workspace, or pass --emulator` },
      );
    }
    return checkKey(value.trim(), `${source.env} (api_key_env of environment ${environment})`);
  }
  const what = `the API key file ${source.written} (api_key_file of environment ${environment})`;
  let text: string;
  try {
    text = readFile(source.file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConnectorSyncError(
      'NO_API_KEY',
      `no API key for environment ${environment}: cannot read ${what}${typeof code === 'string' ? ` (${code})` : ''}`,
      {
        hint: 'the path is relative to the settings file; put the key there, or pass --emulator',
        cause: error,
      },
    );
  }
  const key = text.replace(/\r?\n$/, '');
  if (key.trim() === '') throw new ConnectorSyncError('NO_API_KEY', `${what} is empty`);
  return checkKey(key, what);
}

/** A variable the environment itself holds: `toString` names no variable, whatever the prototype has. */
function ownVariable(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

/** A key file is small and regular: a FIFO never holds the run, `/dev/zero` is never read whole. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

function readKeyFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREG' });
    if (stats.size > MAX_KEY_FILE_BYTES) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function resolveApiKey(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): Secret {
  const direct = nonEmpty(env.MISTRAL_API_KEY);
  const file = nonEmpty(env.MISTRAL_API_KEY_FILE);
  if (direct !== undefined && file !== undefined) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      'both MISTRAL_API_KEY and MISTRAL_API_KEY_FILE are set; set only one',
    );
  }
  if (direct !== undefined) return checkKey(direct.trim(), 'MISTRAL_API_KEY');
  if (file === undefined) {
    throw new ConnectorSyncError(
      'NO_API_KEY',
      'no API key: set MISTRAL_API_KEY (or MISTRAL_API_KEY_FILE to a file holding it), or pass --emulator to use the local emulator',
    );
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `cannot read the API key file ${file} named by MISTRAL_API_KEY_FILE${typeof code === 'string' ? ` (${code})` : ''}`,
      { cause: error },
    );
  }
  // files written by editors and `echo` end with a newline; secrets mounted by Kubernetes do not
  const key = text.replace(/\r?\n$/, '');
  if (key.trim() === '') {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `the API key file ${file} (MISTRAL_API_KEY_FILE) is empty`,
    );
  }
  return checkKey(key, `the API key file ${file} (MISTRAL_API_KEY_FILE)`);
}

/** A key with whitespace or control characters would make an invalid header: say so without showing it. */
function checkKey(key: string, source: string): Secret {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is rejected
  if (/[\s\u0000-\u001f\u007f]/.test(key)) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${source} holds an API key with spaces, line breaks or control characters; it must be the key alone`,
    );
  }
  return new Secret(key);
}

function resolveBaseUrl(env: Readonly<Record<string, string | undefined>>, flags: CredentialFlags): string {
  const fromFlag = nonEmpty(flags.apiUrl);
  if (fromFlag !== undefined) return checkUrl(fromFlag, (message) => new UsageError(`--api-url ${message}`));
  const fromEnv = nonEmpty(env.MISTRAL_API_URL);
  if (fromEnv !== undefined) {
    return checkUrl(
      fromEnv,
      (message) => new ConnectorSyncError('SETTINGS_INVALID', `MISTRAL_API_URL ${message}`),
    );
  }
  return DEFAULT_API_URL;
}

function checkUrl(raw: string, fail: (message: string) => ConnectorSyncError): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw fail(`must be an http(s) URL such as ${DEFAULT_API_URL}, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail(`must be an http(s) URL such as ${DEFAULT_API_URL}, got "${raw}"`);
  }
  // never echo a URL that carries credentials
  if (url.username !== '' || url.password !== '') throw fail('must not contain a user name or password');
  if (url.search !== '' || url.hash !== '') throw fail(`must not have a query or a fragment, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
