import type { CursorPage } from './paging.js';
import type {
  CredentialStatus,
  InvalidRemoteItem,
  RemoteConnector,
  RemoteCredential,
  RemoteTool,
} from './types.js';

/**
 * Checks of 2xx bodies: only what connector-sync relies on is required, so a newer API with more
 * fields still works. Each returns the value or a reason in words for API_BAD_RESPONSE. Listed
 * connectors, which plans are made from, are held to the schema's required fields and types.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Connector: an object with a string `id` and `name`. */
export function checkConnector(body: unknown, where = 'the body'): Checked<RemoteConnector> {
  if (!isRecord(body)) return { ok: false, reason: `${where} is not a connector object` };
  if (typeof body.id !== 'string' || body.id === '')
    return { ok: false, reason: `${where} has no string "id"` };
  if (typeof body.name !== 'string') return { ok: false, reason: `${where} has no string "name"` };
  return { ok: true, value: withCheckedCredentials(body) as RemoteConnector };
}

/**
 * A connector read to act on (the applier re-reads one by name before adopting or deleting it):
 * held to the same schema as a listed one, so a broken answer stops the operation instead of
 * steering it.
 */
export function checkWholeConnector(body: unknown): Checked<RemoteConnector> {
  if (!isRecord(body)) return { ok: false, reason: 'the body is not a connector object' };
  const broken = connectorSchemaBreak(body);
  if (broken === null) return { ok: true, value: withCheckedCredentials(body) as RemoteConnector };
  return {
    ok: false,
    reason: `the connector's "${broken.field}" ${broken.problem} (the API's Connector schema)`,
  };
}

/**
 * A list page: `{items: [...], pagination: {next_cursor}}`; a missing pagination or cursor means
 * the last page. An item that breaks the Connector schema does not fail the page: it is set
 * aside as an invalid item, so the rest still syncs and nothing acts on the broken one.
 */
export function checkConnectorPage(body: unknown): Checked<CursorPage<RemoteConnector>> {
  if (!isRecord(body) || !Array.isArray(body.items))
    return { ok: false, reason: 'the page has no "items" array' };
  const items: RemoteConnector[] = [];
  const invalid: InvalidRemoteItem[] = [];
  for (const item of body.items) {
    const broken = isRecord(item)
      ? connectorSchemaBreak(item)
      : { field: '(item)', problem: 'is not an object' };
    if (broken === null)
      items.push(withCheckedCredentials(item as Record<string, unknown>) as RemoteConnector);
    else invalid.push({ id: stringOrNull(item, 'id'), name: stringOrNull(item, 'name'), ...broken });
  }
  const pagination = body.pagination;
  if (pagination !== undefined && pagination !== null && !isRecord(pagination)) {
    return { ok: false, reason: '"pagination" is not an object' };
  }
  const cursor = pagination?.next_cursor;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') {
    return { ok: false, reason: '"pagination.next_cursor" is neither a string nor null' };
  }
  // an empty cursor ends the list too: the official SDK's own loop (`while next_cursor`) treats it so
  const nextCursor = typeof cursor === 'string' && cursor !== '' ? cursor : null;
  return { ok: true, value: invalid.length > 0 ? { items, nextCursor, invalid } : { items, nextCursor } };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VISIBILITIES = ['shared_global', 'shared_org', 'shared_workspace', 'private'];
const OWNER_TYPES = ['user', 'org', 'workspace', 'system'];
/** Optional in the schema, but when present the planner, the guards or the reports read them. */
const NULLABLE_STRINGS = ['title', 'server', 'icon_url', 'system_prompt'];
const NULLABLE_BOOLEANS = ['active', 'is_authenticated'];
const NULLABLE_ARRAYS = ['tools', 'supported_auth_methods'];

/**
 * The first field of a listed connector that breaks the OpenAPI `Connector` schema where
 * connector-sync relies on it (its required fields, and the optional ones it compares), or null.
 * Written out by hand rather than run through a schema validator: it runs for every connector of
 * every listing, and the 10,000-connector listing is the hot path.
 */
export function connectorSchemaBreak(item: Record<string, unknown>): SchemaBreak | null {
  return isWholeConnector(item) ? null : diagnose(item);
}

type SchemaBreak = { field: string; problem: string };

/**
 * The common case in one pass of plain property reads (the diagnosis below reads fields by
 * computed name, several times slower across a 10,000-connector listing).
 */
function isWholeConnector(item: Record<string, unknown>): boolean {
  const { id, visibility, owner_type } = item;
  return (
    typeof id === 'string' &&
    UUID.test(id) &&
    typeof item.name === 'string' &&
    typeof item.description === 'string' &&
    typeof item.created_at === 'string' &&
    typeof item.modified_at === 'string' &&
    (visibility === 'private' ||
      visibility === 'shared_workspace' ||
      visibility === 'shared_org' ||
      visibility === 'shared_global') &&
    (owner_type === 'workspace' ||
      owner_type === 'user' ||
      owner_type === 'org' ||
      owner_type === 'system') &&
    typeof item.private_tool_execution === 'boolean' &&
    (item.mistral === undefined || typeof item.mistral === 'boolean') &&
    nullableString(item.title) &&
    nullableString(item.server) &&
    nullableString(item.icon_url) &&
    nullableString(item.system_prompt) &&
    nullableBoolean(item.active) &&
    nullableBoolean(item.is_authenticated) &&
    nullableArray(item.tools) &&
    nullableArray(item.supported_auth_methods)
  );
}

const nullableString = (value: unknown) => value === undefined || value === null || typeof value === 'string';
const nullableBoolean = (value: unknown) =>
  value === undefined || value === null || typeof value === 'boolean';
const nullableArray = (value: unknown) => value === undefined || value === null || Array.isArray(value);

/** Which field breaks the schema, for an item that is not whole. */
function diagnose(item: Record<string, unknown>): SchemaBreak {
  if (typeof item.id !== 'string' || !UUID.test(item.id))
    return {
      field: 'id',
      problem: typeof item.id === 'string' ? 'is not a UUID' : kindOf(item.id, 'a string'),
    };
  for (const field of ['name', 'description', 'created_at', 'modified_at']) {
    if (typeof item[field] !== 'string') return { field, problem: kindOf(item[field], 'a string') };
  }
  if (!VISIBILITIES.includes(item.visibility as string))
    return { field: 'visibility', problem: outside(item.visibility, VISIBILITIES) };
  if (!OWNER_TYPES.includes(item.owner_type as string))
    return { field: 'owner_type', problem: outside(item.owner_type, OWNER_TYPES) };
  if (typeof item.private_tool_execution !== 'boolean')
    return { field: 'private_tool_execution', problem: kindOf(item.private_tool_execution, 'a boolean') };
  if (item.mistral !== undefined && typeof item.mistral !== 'boolean')
    return { field: 'mistral', problem: kindOf(item.mistral, 'a boolean') };
  for (const field of NULLABLE_STRINGS) {
    const value = item[field];
    if (value !== undefined && value !== null && typeof value !== 'string')
      return { field, problem: kindOf(value, 'a string or null') };
  }
  for (const field of NULLABLE_BOOLEANS) {
    const value = item[field];
    if (value !== undefined && value !== null && typeof value !== 'boolean')
      return { field, problem: kindOf(value, 'a boolean or null') };
  }
  for (const field of NULLABLE_ARRAYS) {
    const value = item[field];
    if (value !== undefined && value !== null && !Array.isArray(value))
      return { field, problem: kindOf(value, 'a list or null') };
  }
  return { field: '(item)', problem: 'breaks the schema' };
}

/** "is missing", or "is a number, not a string": the value itself is never repeated (it is untrusted). */
function kindOf(value: unknown, expected: string): string {
  if (value === undefined) return 'is missing';
  const kind =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'an object'
          : `a ${typeof value}`;
  return `is ${kind}, not ${expected}`;
}

function outside(value: unknown, allowed: readonly string[]): string {
  return typeof value === 'string'
    ? `is not one of ${allowed.join(', ')}`
    : kindOf(value, `one of ${allowed.join(', ')}`);
}

function stringOrNull(item: unknown, field: string): string | null {
  const value = isRecord(item) ? item[field] : undefined;
  return typeof value === 'string' ? value : null;
}

/** `{auth_url, ttl}`. */
export function checkAuthUrl(body: unknown): Checked<{ authUrl: string; ttlSeconds: number }> {
  if (!isRecord(body) || typeof body.auth_url !== 'string')
    return { ok: false, reason: 'no string "auth_url"' };
  if (typeof body.ttl !== 'number' || !Number.isFinite(body.ttl))
    return { ok: false, reason: 'no number "ttl"' };
  return { ok: true, value: { authUrl: body.auth_url, ttlSeconds: body.ttl } };
}

/** A JSON array of tools, each with a string `name`. */
export function checkTools(body: unknown): Checked<RemoteTool[]> {
  if (!Array.isArray(body)) return { ok: false, reason: 'the tools list is not a JSON array' };
  for (const [index, tool] of body.entries()) {
    if (!isRecord(tool) || typeof tool.name !== 'string')
      return { ok: false, reason: `tool ${index} has no string "name"` };
  }
  return { ok: true, value: body as RemoteTool[] };
}

/** A CredentialsResponse: `{credentials: [...]}`, each entry checked as `connection_credentials` are. */
export function checkCredentials(body: unknown): Checked<RemoteCredential[]> {
  if (!isRecord(body) || !Array.isArray(body.credentials))
    return { ok: false, reason: 'no "credentials" list' };
  return { ok: true, value: body.credentials.flatMap(checkedCredential) };
}

/**
 * `connection_credentials` made safe to report: the status is advice, never a reason to drop a
 * connector, so a wrong type is nulled rather than breaking the schema. An unknown `status_type`
 * string (a newer API) is kept as text; an entry without a string name is dropped.
 */
function withCheckedCredentials(item: Record<string, unknown>): Record<string, unknown> {
  const raw = item.connection_credentials;
  // the common case, a listing without credentials, costs one property read
  if (raw === undefined || raw === null) return item;
  item.connection_credentials = Array.isArray(raw) ? raw.flatMap(checkedCredential) : null;
  return item;
}

function checkedCredential(entry: unknown): RemoteCredential[] {
  if (!isRecord(entry) || typeof entry.name !== 'string') return [];
  return [
    {
      name: entry.name,
      title: stringOr(entry.title),
      authentication_type:
        typeof entry.authentication_type === 'string' ? entry.authentication_type : 'unknown',
      scope: (typeof entry.scope === 'string' ? entry.scope : 'unknown') as RemoteCredential['scope'],
      status: checkedStatus(entry.status),
      is_default: typeof entry.is_default === 'boolean' ? entry.is_default : null,
    },
  ];
}

function checkedStatus(status: unknown): CredentialStatus | null {
  if (!isRecord(status) || typeof status.status_type !== 'string') return null;
  return {
    // kept as text when it is none of valid, invalid, error: reports show it as it came
    status_type: status.status_type as CredentialStatus['status_type'],
    last_checked_at: stringOr(status.last_checked_at),
    error_http_code:
      typeof status.error_http_code === 'number' && Number.isInteger(status.error_http_code)
        ? status.error_http_code
        : null,
    error_message: stringOr(status.error_message),
  };
}

const stringOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
