/**
 * Initial state: Mistral's own built-in connectors and the connectors of a seed file (YAML or
 * JSON: a list, or a list under `connectors:`). A seed entry is a create body plus the read-only
 * fields a test may want to fix (id, timestamps, active, mistral, is_authenticated, tools).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConnectorSyncError } from '../errors.js';
import { checkCreateBody } from './bodies.js';
import { canonicalUuid, looksLikeUuid } from './params.js';
import { ownerTypeFor } from './present.js';
import { checkToolList, normalizeTools } from './tools.js';
import type { ConnectorRecord, SeedConnector, StoredVisibility } from './types.js';

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
    headers: null,
    auth_data: oauth ? { client_id: `mistral-${name}`, client_secret: null } : null,
    auth_methods: null,
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
  'auth_data',
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
  return problems;
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
        hint: 'each entry takes the create fields (name, description, server, ...) plus id, created_at, modified_at, active, mistral, is_authenticated, tools',
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
    active: seed.active === undefined ? true : seed.active,
    mistral: seed.mistral ?? false,
    headers: seed.headers ?? null,
    auth_data: seed.auth_data
      ? { client_id: seed.auth_data.client_id, client_secret: seed.auth_data.client_secret ?? null }
      : null,
    auth_methods: null,
    is_authenticated: seed.is_authenticated ?? false,
    server_tools: seed.tools ? normalizeTools(seed.tools) : null,
    discovered_tools: null,
    discovered_at: null,
  };
}
