import type { CursorPage } from './paging.js';
import type { RemoteConnector, RemoteTool } from './types.js';

/**
 * Loose checks of 2xx bodies: only what connector-sync relies on is required (an id and a name
 * on a connector, an items array on a page), so a newer API with more fields still works. Each
 * returns the value or a reason in words for API_BAD_RESPONSE.
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
  return { ok: true, value: body as RemoteConnector };
}

/** A list page: `{items: [...], pagination: {next_cursor}}`; a missing pagination or cursor means the last page. */
export function checkConnectorPage(body: unknown): Checked<CursorPage<RemoteConnector>> {
  if (!isRecord(body) || !Array.isArray(body.items))
    return { ok: false, reason: 'the page has no "items" array' };
  const items: RemoteConnector[] = [];
  for (const [index, item] of body.items.entries()) {
    const checked = checkConnector(item, `items[${index}]`);
    if (!checked.ok) return checked;
    items.push(checked.value);
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
  return {
    ok: true,
    value: { items, nextCursor: typeof cursor === 'string' && cursor !== '' ? cursor : null },
  };
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
