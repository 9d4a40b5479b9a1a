/**
 * Initial state: Mistral's own built-in connectors and the connectors of a seed file (YAML or
 * JSON: a list, or a list under `connectors:`). A seed entry is a create body plus the read-only
 * fields a test may want to fix (id, timestamps, active, mistral, is_authenticated, tools).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConnectorSyncError } from '../errors.js';
import { activationFor, methodsFromCreate, noCredentials } from './auth-methods.js';
import { checkCreateBody, checkCredentialsBody } from './bodies.js';
import { putCredential } from './credentials.js';
import { canonicalUuid, looksLikeUuid } from './params.js';
import { ownerTypeFor } from './present.js';
import { checkToolList, normalizeTools } from './tools.js';
import {
  CONSUMER_SCOPES,
  type ConnectorRecord,
  type ConsumerScope,
  type SeedConnector,
  type StoredCredential,
  type StoredVisibility,
} from './types.js';

const BUILTIN_CREATED = '2025-01-01T00:00:00.000Z';

function builtin(
  id: string,
  name: string,
  title: string,
  description: string,
  oauth: boolean,
): ConnectorRecord {
  return {
    id,
    name,
    title,
    description,
    server: `https://connectors.mistral.ai/${name}/mcp`,
    icon_url: `https://connectors.mistral.ai/${name}/icon.svg`,
    system_prompt: null,
    visibility: 'shared_global',
    owner_type: 'system',
    created_at: BUILTIN_CREATED,
    modified_at: BUILTIN_CREATED,
    // Built-ins are available to everyone but active only once a user turns them on.
    active: false,
    mistral: true,
    org_headers: null,
    auth_methods: methodsFromCreate({
      global_headers: {},
      auth_data: oauth ? { client_id: `mistral-${name}`, client_secret: null } : null,
      oauth2_server_metadata: null,
      oauth2_server_metadata_url: null,
    }),
    oauth2_server_metadata_url: null,
    activation: activationFor('shared_global', false),
    credentials: noCredentials(),
    oauth_status: null,
    is_authenticated: false,
    server_tools: null,
    discovered_tools: null,
    discovered_at: null,
  };
}

/** Mistral's own connectors, present in every workspace and read-only (fixed ids, stable across runs). */
export function builtinConnectors(): ConnectorRecord[] {
  return [
    builtin('00000000-0000-4000-8000-00000000b001', 'gmail', 'Gmail', 'Read and send Gmail messages.', true),
    builtin(
      '00000000-0000-4000-8000-00000000b002',
      'google_drive',
      'Google Drive',
      'Search Google Drive files.',
      true,
    ),
    builtin(
      '00000000-0000-4000-8000-00000000b003',
      'github',
      'GitHub',
      'Explore GitHub repositories and issues.',
      true,
    ),
    builtin('00000000-0000-4000-8000-00000000b004', 'web_search', 'Web search', 'Search the web.', false),
  ];
}

const SEED_ONLY_KEYS = new Set([
  'id',
  'created_at',
  'modified_at',
  'active',
  'mistral',
  'is_authenticated',
  'tools',
  'credentials',
  'oauth_status',
]);
const CREATE_KEYS = new Set([
  'name',
  'description',
  'server',
  'visibility',
  'title',
  'icon_url',
  'system_prompt',
  'headers',
  'global_headers',
  'auth_data',
  'oauth2_server_metadata',
  'oauth2_server_metadata_url',
  'protocol',
]);

function entryProblems(entry: unknown, where: string): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return [`${where}: expected a mapping`];
  const value = entry as Record<string, unknown>;
  const problems = Object.keys(value)
    .filter((key) => !CREATE_KEYS.has(key) && !SEED_ONLY_KEYS.has(key))
    .map((key) => `${where}.${key}: unknown field`);
  const global = value.visibility === 'shared_global';
  if (global && value.mistral !== true) {
    problems.push(
      `${where}.visibility: shared_global is only for Mistral's own connectors (set mistral: true)`,
    );
  }
  const createBody = Object.fromEntries(
    Object.entries(value).filter(([key]) => CREATE_KEYS.has(key) && !(global && key === 'visibility')),
  );
  const checked = checkCreateBody(createBody);
  if (!checked.ok) {
    for (const detail of checked.detail)
      problems.push(`${where}.${detail.loc.slice(1).join('.')}: ${detail.msg}`);
  }
  if (value.id !== undefined && !(typeof value.id === 'string' && looksLikeUuid(value.id))) {
    problems.push(`${where}.id: expected a UUID`);
  }
  for (const key of ['created_at', 'modified_at'] as const) {
    if (
      value[key] !== undefined &&
      !(typeof value[key] === 'string' && Number.isFinite(Date.parse(value[key])))
    ) {
      problems.push(`${where}.${key}: expected an ISO 8601 date-time`);
    }
  }
  if (value.active !== undefined && value.active !== null && typeof value.active !== 'boolean') {
    problems.push(`${where}.active: expected true, false or null`);
  }
  for (const key of ['mistral', 'is_authenticated'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'boolean')
      problems.push(`${where}.${key}: expected true or false`);
  }
  if (value.tools !== undefined) problems.push(...checkToolList(value.tools, `${where}.tools`));
  if (value.credentials !== undefined)
    problems.push(...credentialProblems(value.credentials, `${where}.credentials`));
  const status = value.oauth_status === undefined ? null : checkCredentialStatus(value.oauth_status);
  if (status) problems.push(`${where}.oauth_status: ${status}`);
  return problems;
}

const AUTH_STATUSES = ['valid', 'invalid', 'error'];

/** Checks a CredentialsStatus given by a seed or the control API; a sentence when it is not one. */
export function checkCredentialStatus(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return 'expected {status_type, ...} or null';
  const status = value as Record<string, unknown>;
  const unknown = Object.keys(status).filter(
    (key) => !['status_type', 'last_checked_at', 'error_http_code', 'error_message'].includes(key),
  );
  if (unknown.length > 0) return `unknown field ${unknown.join(', ')}`;
  if (!AUTH_STATUSES.includes(status.status_type as string))
    return 'status_type: expected valid, invalid or error';
  if (status.error_http_code != null && !Number.isInteger(status.error_http_code))
    return 'error_http_code: expected an HTTP status';
  if (
    status.error_message != null &&
    !(CREDENTIAL_ERRORS as readonly unknown[]).includes(status.error_message)
  )
    return `error_message: expected one of ${CREDENTIAL_ERRORS.join(', ')}`;
  return null;
}

/** CredentialsStatusErrorReason. */
const CREDENTIAL_ERRORS = [
  'oauth expired',
  'oauth near expiry',
  'empty credentials',
  'unparsable credentials',
  'you need to reconnect',
  'oauth refresh error',
  'MCP server unreachable',
  'MCP server timed out',
  'MCP server error',
  'unknown error',
] as const;

function credentialProblems(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) return [`${where}: expected a list`];
  return value.flatMap((entry: unknown, index) => {
    const at = `${where}[${index}]`;
    if (typeof entry !== 'object' || entry === null) return [`${at}: expected a mapping`];
    const { scope, status, headers, bearer_token: bearer, ...rest } = entry as Record<string, unknown>;
    const problems: string[] = [];
    if (!(CONSUMER_SCOPES as readonly unknown[]).includes(scope))
      problems.push(`${at}.scope: expected user, workspace or organization`);
    const statusProblem = status === undefined ? null : checkCredentialStatus(status);
    if (statusProblem) problems.push(`${at}.status: ${statusProblem}`);
    const checked = checkCredentialsBody({
      ...rest,
      credentials: { headers: headers ?? null, bearer_token: bearer ?? null },
    });
    if (!checked.ok)
      problems.push(...checked.detail.map((d) => `${at}.${d.loc.slice(1).join('.')}: ${d.msg}`));
    problems.push(...checked.ignored.map((field) => `${at}.${field}: unknown field`));
    return problems;
  });
}

/** A seed's credentials, added one by one under the API's default rules. */
function credentialsFromSeed(
  seed: SeedConnector,
  checkedAt: string,
): Record<ConsumerScope, StoredCredential[]> {
  const credentials = noCredentials();
  for (const entry of seed.credentials ?? []) {
    const list = credentials[entry.scope];
    putCredential(
      list,
      {
        name: entry.name,
        ...(entry.title === undefined ? {} : { title: entry.title }),
        ...(entry.is_default === undefined ? {} : { is_default: entry.is_default }),
        values: {
          headers: entry.headers ?? null,
          bearer_token: entry.bearer_token ?? null,
          oauth: null,
          github_installation_id: null,
        },
      },
      checkedAt,
    );
    const stored = list.find((credential) => credential.name === entry.name);
    if (stored && entry.status !== undefined) stored.status = entry.status;
  }
  return credentials;
}

/** Checks seed data; throws a SETTINGS_INVALID error listing every problem with its place. */
export function checkSeed(
  data: unknown,
  source: string,
  options: { duplicateNames?: boolean } = {},
): SeedConnector[] {
  const list =
    typeof data === 'object' && data !== null && !Array.isArray(data) && 'connectors' in data
      ? (data as { connectors: unknown }).connectors
      : data;
  if (!Array.isArray(list)) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${source}: expected a list of connectors (or a list under connectors:)`,
    );
  }
  const problems: string[] = [];
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  list.forEach((entry: unknown, index) => {
    const where = `connectors[${index}]`;
    problems.push(...entryProblems(entry, where));
    const { name, id } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name === 'string') {
      if (names.has(name) && !options.duplicateNames)
        problems.push(`${where}.name: '${name}' is also used by connectors[${names.get(name)}]`);
      else names.set(name, index);
    }
    if (typeof id === 'string' && looksLikeUuid(id)) {
      const canonical = canonicalUuid(id);
      if (ids.has(canonical)) problems.push(`${where}.id: also used by connectors[${ids.get(canonical)}]`);
      else ids.set(canonical, index);
    }
  });
  if (problems.length > 0) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${source}: invalid seed data:\n  ${problems.join('\n  ')}`,
      {
        hint: 'each entry takes the create fields (name, description, server, ...) plus id, created_at, modified_at, active, mistral, is_authenticated, tools, credentials, oauth_status',
      },
    );
  }
  return list as SeedConnector[];
}

/** Reads and checks a seed file (YAML or JSON). */
export async function loadSeedFile(
  path: string,
  options: { duplicateNames?: boolean } = {},
): Promise<SeedConnector[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ConnectorSyncError('SETTINGS_INVALID', `cannot read the seed file ${path}: ${reason}`, {
      hint: 'check the path given to --seed',
    });
  }
  const { parse } = await import('yaml');
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${path}: not valid YAML or JSON: ${(error as Error).message}`,
    );
  }
  return checkSeed(data, path, options);
}

/**
 * A stored record from a checked seed entry. `createdMs` is used when the entry fixes no
 * created_at; callers give entries of one file increasing times so the listing keeps file order.
 */
export function recordFromSeed(seed: SeedConnector, createdMs: number): ConnectorRecord {
  const created = new Date(seed.created_at ?? createdMs).toISOString();
  const visibility: StoredVisibility = seed.visibility ?? 'private';
  const active = seed.active === undefined ? true : seed.active;
  return {
    id: seed.id === undefined ? randomUUID() : canonicalUuid(seed.id),
    name: seed.name,
    title: seed.title ?? null,
    description: seed.description,
    server: seed.server,
    icon_url: seed.icon_url ?? null,
    system_prompt: seed.system_prompt ?? null,
    visibility,
    owner_type: ownerTypeFor(visibility),
    created_at: created,
    modified_at: seed.modified_at === undefined ? created : new Date(seed.modified_at).toISOString(),
    active,
    mistral: seed.mistral ?? false,
    org_headers: seed.headers ?? null,
    auth_methods: methodsFromCreate({
      global_headers: Object.fromEntries(
        Object.entries(seed.global_headers ?? {}).map(([name, header]) => [
          name,
          { value: header.value, is_secret: header.is_secret ?? true },
        ]),
      ),
      auth_data: seed.auth_data
        ? { client_id: seed.auth_data.client_id, client_secret: seed.auth_data.client_secret ?? null }
        : null,
      oauth2_server_metadata: seed.oauth2_server_metadata ?? null,
      oauth2_server_metadata_url: seed.oauth2_server_metadata_url ?? null,
    }),
    oauth2_server_metadata_url: seed.oauth2_server_metadata_url ?? null,
    activation: activationFor(visibility, active),
    credentials: credentialsFromSeed(seed, created),
    oauth_status:
      seed.oauth_status ??
      (seed.is_authenticated ? { status_type: 'valid', last_checked_at: created } : null),
    is_authenticated: seed.is_authenticated ?? false,
    server_tools: seed.tools ? normalizeTools(seed.tools) : null,
    discovered_tools: null,
    discovered_at: null,
  };
}
