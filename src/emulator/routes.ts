/**
 * The `/v1/connectors` routes, faithful to ../shared/api/connectors-openapi.yaml. Each handler
 * turns a parsed request into a Reply; state and rules live in the store.
 */
import {
  type Checked,
  checkCreateBody,
  checkCredentialsBody,
  checkUpdateBody,
  NAME_PATTERN,
  NAME_PATTERN_TEXT,
  OUTBOUND_METHODS,
} from './bodies.js';
import { decodeCursor, encodeCursor, type SortKey } from './cursor.js';
import type { FaultEngine } from './faults.js';
import type { RequestBody } from './http.js';
import type { OAuthFlows } from './oauth.js';
import {
  checkHttpUrl,
  type Parsed,
  parseBooleanParam,
  parseEnumParam,
  parseIntegerParam,
  parseUuidParam,
} from './params.js';
import { presentCredential, supportedAuthMethods, usesOAuth } from './present.js';
import {
  connectorNotFound,
  jsonReply,
  methodNotAllowed,
  mistralErrorReply,
  type Reply,
  rawJsonReply,
  routeNotFound,
  type ValidationDetail,
  validationReply,
} from './replies.js';
import { type ConnectorStore, keyOf } from './store.js';
import { prettyTool } from './tools.js';
import { CONSUMER_SCOPES, type ConnectorRecord, type ConsumerScope } from './types.js';

/** What the API key may see and do (Mistral keys carry a connector access scope; callers may not be admins). */
export interface AccessOptions {
  /** `shared_only` (the default scope of a new Mistral key): list and get hide private connectors. */
  keyScope: 'all' | 'shared_only';
  /** False: creating or changing a shared_org connector answers 403. */
  orgAdmin: boolean;
}

/** What the routes need. */
export interface ApiContext {
  store: ConnectorStore;
  faults: FaultEngine;
  oauth: OAuthFlows;
  /** The emulator's own URL, for the authorization URLs it issues. */
  baseUrl: string;
  /** Records the paging fault that shaped this answer, for the request log. */
  noteFault: (name: string) => void;
  access: AccessOptions;
}

/** A parsed API request. */
export interface ApiRequest {
  method: string;
  path: string;
  /** Decoded path segments after `/v1/connectors`. */
  rest: string[];
  query: URLSearchParams;
  body: RequestBody;
}

/** Routes one API request. */
export function handleApi(ctx: ApiContext, request: ApiRequest): Reply {
  const { method, rest } = request;
  if (rest.length === 0) {
    if (method === 'GET') return listConnectors(ctx, request);
    if (method === 'POST') return createConnector(ctx, request);
    return methodNotAllowed(['GET', 'POST']);
  }
  const [reference, sub, ...more] = rest as [string, string | undefined, ...string[]];
  if (sub !== undefined && more.length > 0) return scopedRoute(ctx, request, reference, sub, more);
  if (sub === undefined) {
    if (method === 'GET') return getConnector(ctx, request, reference);
    if (method === 'PATCH') return updateConnector(ctx, request, reference);
    if (method === 'DELETE') return deleteConnector(ctx, reference);
    return methodNotAllowed(['GET', 'PATCH', 'DELETE']);
  }
  if (sub === 'share') {
    if (method === 'PUT' || method === 'DELETE') return shareConnector(ctx, reference, method === 'PUT');
    return methodNotAllowed(['PUT', 'DELETE']);
  }
  if (sub === 'auth_url')
    return method === 'GET' ? authUrl(ctx, request, reference) : methodNotAllowed(['GET']);
  if (sub === 'tools')
    return method === 'GET' ? listTools(ctx, request, reference) : methodNotAllowed(['GET']);
  if (sub === 'authentication_methods')
    return method === 'GET' ? authenticationMethods(ctx, reference) : methodNotAllowed(['GET']);
  return routeNotFound();
}

/** `{id}/{consumer_scope}/activate|deactivate` and `{id_or_name}/{scope}/credentials[/{name}]`. */
function scopedRoute(
  ctx: ApiContext,
  request: ApiRequest,
  reference: string,
  scope: string,
  more: string[],
): Reply {
  const { method } = request;
  const [action, name, ...extra] = more as [string, string | undefined, ...string[]];
  if (extra.length > 0) return routeNotFound();
  if ((action === 'activate' || action === 'deactivate') && name === undefined) {
    return method === 'POST'
      ? activation(ctx, reference, scope, action === 'activate')
      : methodNotAllowed(['POST']);
  }
  if (action !== 'credentials' || !(CONSUMER_SCOPES as readonly string[]).includes(scope))
    return routeNotFound();
  const consumer = scope as ConsumerScope;
  if (name !== undefined) {
    return method === 'DELETE'
      ? deleteCredentials(ctx, reference, consumer, name)
      : methodNotAllowed(['DELETE']);
  }
  if (method === 'GET') return listCredentials(ctx, request, reference, consumer);
  if (method === 'POST') return putCredentials(ctx, request, reference, consumer);
  if (method === 'DELETE' && consumer === 'user') return deleteCredentials(ctx, reference, consumer, null);
  return methodNotAllowed(consumer === 'user' ? ['GET', 'POST', 'DELETE'] : ['GET', 'POST']);
}

/** Collects parsed parameters and their problems. */
function collect<T>(parsed: Parsed<T>, problems: ValidationDetail[]): T | undefined {
  if (parsed.ok) return parsed.value;
  problems.push(parsed.detail);
  return undefined;
}

/** A body the route requires, parsed: the JSON value, or the 422/413 that answers instead. */
function requireBody(body: RequestBody): { ok: true; value: unknown } | { ok: false; reply: Reply } {
  switch (body.kind) {
    case 'json':
      return { ok: true, value: body.value };
    case 'none':
      return {
        ok: false,
        reply: validationReply([{ type: 'missing', loc: ['body'], msg: 'Field required' }]),
      };
    case 'invalid':
      return { ok: false, reply: validationReply([body.detail]) };
    case 'too_large':
      return {
        ok: false,
        reply: mistralErrorReply(
          413,
          'Request body too large.',
          'invalid_request_error',
          'payload_too_large',
        ),
      };
  }
}

/**
 * The `active` filter. The official SDK serializes `query_filters` form-exploded (`active=true`,
 * see its betaConnectorsList), which is also the plain form; `query_filters[active]=` and a JSON
 * `query_filters={"active":true}` are accepted too.
 */
function activeFilter(query: URLSearchParams, problems: ValidationDetail[]): boolean | null {
  const deep = query.get('query_filters[active]');
  if (deep !== null)
    return collect(parseBooleanParam(deep, ['query', 'query_filters', 'active'], null), problems) ?? null;
  const json = query.get('query_filters');
  if (json !== null) {
    try {
      const value: unknown = JSON.parse(json);
      const active = (value as { active?: unknown } | null)?.active;
      if (active === undefined || active === null || typeof active === 'boolean') return active ?? null;
    } catch {
      // falls through to the error below
    }
    problems.push({
      type: 'model_attributes_type',
      loc: ['query', 'query_filters'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: json,
    });
    return null;
  }
  return collect(parseBooleanParam(query.get('active'), ['query', 'active'], null), problems) ?? null;
}

function listConnectors(ctx: ApiContext, request: ApiRequest): Reply {
  const problems: ValidationDetail[] = [];
  const { query } = request;
  const pageSize = collect(
    parseIntegerParam(query.get('page_size'), 'page_size', { fallback: 100, min: 1, max: 1000 }),
    problems,
  );
  const active = activeFilter(query, problems);
  const token = query.get('cursor');
  let after: SortKey | null = null;
  if (token !== null && token !== '') {
    after = decodeCursor(token);
    if (after === null) {
      problems.push({
        type: 'value_error',
        loc: ['query', 'cursor'],
        msg: 'Value error, invalid cursor',
        input: token,
      });
    }
  }
  if (problems.length > 0 || pageSize === undefined) return validationReply(problems);
  const target = { method: request.method, path: request.path };
  let repeatLast = false;
  if (after !== null) {
    if (ctx.faults.take('shift_listing', target)) {
      ctx.noteFault('shift_listing');
      churn(ctx, after);
    }
    if (ctx.faults.take('duplicate_items', target)) {
      ctx.noteFault('duplicate_items');
      repeatLast = true;
    }
  }
  const page = ctx.store.page(after, pageSize, active, repeatLast, ctx.access.keyScope === 'shared_only');
  let next = page.hasMore && page.last ? encodeCursor(keyOf(page.last)) : null;
  if (after !== null && token !== null && ctx.faults.take('repeat_cursor', target)) {
    ctx.noteFault('repeat_cursor');
    next = token;
  }
  const pagination = JSON.stringify({ next_cursor: next, page_size: pageSize });
  return rawJsonReply(200, `{"items":[${page.json.join(',')}],"pagination":${pagination}}`);
}

/** Another writer at work between two pages: one connector created, one already listed deleted. */
function churn(ctx: ApiContext, after: SortKey): void {
  const seen = ctx.store.firstDeletableUpTo(after);
  if (seen) ctx.store.remove(seen.id);
  let suffix = ctx.store.size;
  while (ctx.store.find(`churn-${suffix}`)) suffix += 1;
  ctx.store.create({
    name: `churn-${suffix}`,
    description: 'Created by another writer while a listing was being paged (emulator fault).',
    server: `https://churn-${suffix}.example.com/mcp`,
    visibility: 'private',
    title: null,
    icon_url: null,
    system_prompt: null,
    headers: null,
    global_headers: {},
    auth_data: null,
    oauth2_server_metadata: null,
    oauth2_server_metadata_url: null,
  });
}

function createConnector(ctx: ApiContext, request: ApiRequest): Reply {
  const body = requireBody(request.body);
  if (!body.ok) return body.reply;
  const checked = checkCreateBody(body.value);
  if (!checked.ok) return withIgnored(validationReply(checked.detail), checked);
  if (checked.value.visibility === 'shared_org' && !ctx.access.orgAdmin)
    return withIgnored(notOrgAdmin(), checked);
  const created = ctx.store.create(checked.value);
  return withIgnored(created.ok ? rawJsonReply(201, ctx.store.json(created.value)) : created.reply, checked);
}

/** The reply, noting the body fields the API ignored. */
function withIgnored(reply: Reply, checked: Checked<unknown>): Reply {
  return checked.ignored.length === 0 ? reply : { ...reply, ignored: checked.ignored };
}

/** 403 for a caller who is not an organization admin (only they manage shared_org connectors). */
function notOrgAdmin(): Reply {
  return mistralErrorReply(
    403,
    'Only organization admins can create or manage connectors shared with the organization (shared_org).',
    'invalid_request_error',
    'org_admin_required',
    'visibility',
  );
}

/** A connector a caller may change: 403 for a shared_org one when the caller is no organization admin. */
function writable(ctx: ApiContext, id: string): Reply | null {
  const record = ctx.store.findById(id);
  return record?.visibility === 'shared_org' && !ctx.access.orgAdmin ? notOrgAdmin() : null;
}

/** A connector by id or name, as the key's scope lets the caller see it. */
function visible(ctx: ApiContext, reference: string): ConnectorRecord | undefined {
  const record = ctx.store.find(reference);
  if (record?.visibility === 'private' && ctx.access.keyScope === 'shared_only') return undefined;
  return record;
}

function getConnector(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const problems: ValidationDetail[] = [];
  for (const flag of ['fetch_user_data', 'fetch_customer_data']) {
    collect(parseBooleanParam(request.query.get(flag), ['query', flag], false), problems);
  }
  if (problems.length > 0) return validationReply(problems);
  const record = visible(ctx, reference);
  return record ? rawJsonReply(200, ctx.store.json(record)) : connectorNotFound(reference);
}

function updateConnector(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const id = parseUuidParam(reference, ['path', 'connector_id']);
  if (!id.ok) return validationReply([id.detail]);
  const body = requireBody(request.body);
  if (!body.ok) return body.reply;
  const checked = checkUpdateBody(body.value);
  if (!checked.ok) return withIgnored(validationReply(checked.detail), checked);
  const refused = writable(ctx, id.value);
  if (refused) return withIgnored(refused, checked);
  const updated = ctx.store.update(id.value, checked.value);
  return withIgnored(updated.ok ? rawJsonReply(200, ctx.store.json(updated.value)) : updated.reply, checked);
}

function deleteConnector(ctx: ApiContext, reference: string): Reply {
  const id = parseUuidParam(reference, ['path', 'connector_id']);
  if (!id.ok) return validationReply([id.detail]);
  const refused = writable(ctx, id.value);
  if (refused) return refused;
  const removed = ctx.store.remove(id.value);
  if (!removed.ok) return removed.reply;
  return jsonReply(200, { message: `Connector '${removed.value.name}' (${removed.value.id}) deleted.` });
}

function shareConnector(ctx: ApiContext, reference: string, share: boolean): Reply {
  const id = parseUuidParam(reference, ['path', 'connector_id']);
  if (!id.ok) return validationReply([id.detail]);
  const result = share ? ctx.store.share(id.value) : ctx.store.unshare(id.value);
  return result.ok ? jsonReply(200, { message: result.value }) : result.reply;
}

/**
 * The authorization URL of an OAuth connector. A connector without OAuth has no interactive
 * method to authorize, so it answers 422 on `method_type`, as the API does for a method the
 * connector does not support.
 */
function authUrl(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const problems: ValidationDetail[] = [];
  const { query } = request;
  const methodType = collect(
    parseEnumParam(query.get('method_type'), ['query', 'method_type'], OUTBOUND_METHODS),
    problems,
  );
  collect(
    parseBooleanParam(query.get('github_installation_link'), ['query', 'github_installation_link'], false),
    problems,
  );
  const returnUrl = query.get('app_return_url');
  if (returnUrl !== null && returnUrl !== '') {
    const problem = checkHttpUrl(returnUrl, ['query', 'app_return_url'], returnUrl);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return validationReply(problems);
  const record = ctx.store.find(reference);
  if (!record) return connectorNotFound(reference);
  const wanted = methodType ?? 'oauth2';
  if (!usesOAuth(record) || wanted !== 'oauth2') {
    return validationReply([
      {
        type: 'value_error',
        loc: ['query', 'method_type'],
        msg: `Value error, connector '${record.name}' has no ${wanted} authentication method to authorize`,
        input: wanted,
      },
    ]);
  }
  return jsonReply(200, ctx.oauth.issue(record.id, returnUrl || null, ctx.baseUrl));
}

function listTools(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const problems: ValidationDetail[] = [];
  const { query } = request;
  const page = collect(parseIntegerParam(query.get('page'), 'page', { fallback: 1, min: 1 }), problems);
  const pageSize = collect(
    parseIntegerParam(query.get('page_size'), 'page_size', { fallback: 100, min: 1 }),
    problems,
  );
  const refresh = collect(parseBooleanParam(query.get('refresh'), ['query', 'refresh'], false), problems);
  const pretty = collect(parseBooleanParam(query.get('pretty'), ['query', 'pretty'], false), problems);
  if (problems.length > 0 || page === undefined || pageSize === undefined) return validationReply(problems);
  const record = ctx.store.find(reference);
  if (!record) return connectorNotFound(reference);
  if (usesOAuth(record) && !record.is_authenticated) {
    // The product page: "the user must complete the auth flow before listing or calling its tools".
    return mistralErrorReply(
      403,
      `Connector '${record.name}' needs OAuth: a person must complete the flow from GET /v1/connectors/${record.name}/auth_url before its tools can be listed.`,
      'invalid_request_error',
      'connector_not_authenticated',
    );
  }
  const tools = ctx.store.tools(record, refresh === true);
  const slice = tools.slice((page - 1) * pageSize, page * pageSize);
  return jsonReply(200, pretty ? slice.map(prettyTool) : slice);
}

function authenticationMethods(ctx: ApiContext, reference: string): Reply {
  const record = ctx.store.find(reference);
  return record ? jsonReply(200, supportedAuthMethods(record)) : connectorNotFound(reference);
}

function activation(ctx: ApiContext, reference: string, scope: string, on: boolean): Reply {
  const problems: ValidationDetail[] = [];
  const id = collect(parseUuidParam(reference, ['path', 'connector_id']), problems);
  const consumer = collect(parseEnumParam(scope, ['path', 'consumer_scope'], CONSUMER_SCOPES), problems);
  if (problems.length > 0 || id === undefined || !consumer) return validationReply(problems);
  const result = ctx.store.setActivation(id, consumer, on);
  return result.ok ? jsonReply(200, { message: result.value }) : result.reply;
}

function listCredentials(
  ctx: ApiContext,
  request: ApiRequest,
  reference: string,
  scope: ConsumerScope,
): Reply {
  const problems: ValidationDetail[] = [];
  const authType = collect(
    parseEnumParam(request.query.get('auth_type'), ['query', 'auth_type'], OUTBOUND_METHODS),
    problems,
  );
  const onlyDefault = collect(
    parseBooleanParam(request.query.get('fetch_default'), ['query', 'fetch_default'], false),
    problems,
  );
  if (problems.length > 0) return validationReply(problems);
  const record = ctx.store.find(reference);
  if (!record) return connectorNotFound(reference);
  const credentials = ctx.store
    .credentials(record, scope)
    .filter((c) => (authType == null || c.method_type === authType) && (!onlyDefault || c.is_default))
    .map((c) => presentCredential(c, scope));
  return jsonReply(200, { credentials, connector_preset_credentials_for_auth: [] });
}

function putCredentials(
  ctx: ApiContext,
  request: ApiRequest,
  reference: string,
  scope: ConsumerScope,
): Reply {
  const body = requireBody(request.body);
  if (!body.ok) return body.reply;
  const checked = checkCredentialsBody(body.value);
  if (!checked.ok) return withIgnored(validationReply(checked.detail), checked);
  const record = ctx.store.find(reference);
  if (!record) return withIgnored(connectorNotFound(reference), checked);
  const result = ctx.store.putCredentials(record, scope, checked.value);
  return withIgnored(result.ok ? jsonReply(200, { message: result.value }) : result.reply, checked);
}

function deleteCredentials(
  ctx: ApiContext,
  reference: string,
  scope: ConsumerScope,
  name: string | null,
): Reply {
  if (name !== null && !NAME_PATTERN.test(name)) {
    return validationReply([
      {
        type: 'string_pattern_mismatch',
        loc: ['path', 'credentials_name'],
        msg: `String should match pattern '${NAME_PATTERN_TEXT}'`,
        input: name,
        ctx: { pattern: NAME_PATTERN_TEXT },
      },
    ]);
  }
  const record = ctx.store.find(reference);
  if (!record) return connectorNotFound(reference);
  const result = ctx.store.deleteCredentials(record, scope, name);
  return result.ok ? jsonReply(200, { message: result.value }) : result.reply;
}
