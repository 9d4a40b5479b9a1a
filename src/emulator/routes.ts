/**
 * The `/v1/connectors` routes, faithful to ../shared/api/connectors-openapi.yaml. Each handler
 * turns a parsed request into a Reply; state and rules live in the store.
 */
import { checkCreateBody, checkUpdateBody } from './bodies.js';
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
import { usesOAuth } from './present.js';
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

/** What the routes need. */
export interface ApiContext {
  store: ConnectorStore;
  faults: FaultEngine;
  oauth: OAuthFlows;
  /** The emulator's own URL, for the authorization URLs it issues. */
  baseUrl: string;
  /** Records the paging fault that shaped this answer, for the request log. */
  noteFault: (name: string) => void;
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

const OUTBOUND_METHODS = ['oauth2', 'bearer', 'none', 'github_app', 'slack_app'] as const;

/** Routes one API request. */
export function handleApi(ctx: ApiContext, request: ApiRequest): Reply {
  const { method, rest } = request;
  if (rest.length === 0) {
    if (method === 'GET') return listConnectors(ctx, request);
    if (method === 'POST') return createConnector(ctx, request);
    return methodNotAllowed(['GET', 'POST']);
  }
  const [reference, sub, ...more] = rest as [string, string | undefined, ...string[]];
  if (more.length > 0) return routeNotFound();
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
  return routeNotFound();
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
  const page = ctx.store.page(after, pageSize, active, repeatLast);
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
    auth_data: null,
    auth_methods: null,
  });
}

function createConnector(ctx: ApiContext, request: ApiRequest): Reply {
  const body = requireBody(request.body);
  if (!body.ok) return body.reply;
  const checked = checkCreateBody(body.value);
  if (!checked.ok) return validationReply(checked.detail);
  const created = ctx.store.create(checked.value);
  return created.ok ? rawJsonReply(201, ctx.store.json(created.value)) : created.reply;
}

function getConnector(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const problems: ValidationDetail[] = [];
  for (const flag of ['fetch_user_data', 'fetch_customer_data']) {
    collect(parseBooleanParam(request.query.get(flag), ['query', flag], false), problems);
  }
  if (problems.length > 0) return validationReply(problems);
  const record = ctx.store.findVisible(reference);
  return record ? rawJsonReply(200, ctx.store.json(record)) : connectorNotFound(reference);
}

function updateConnector(ctx: ApiContext, request: ApiRequest, reference: string): Reply {
  const id = parseUuidParam(reference, ['path', 'connector_id']);
  if (!id.ok) return validationReply([id.detail]);
  const body = requireBody(request.body);
  if (!body.ok) return body.reply;
  const checked = checkUpdateBody(body.value);
  if (!checked.ok) return validationReply(checked.detail);
  const updated = ctx.store.update(id.value, checked.value);
  return updated.ok ? rawJsonReply(200, ctx.store.json(updated.value)) : updated.reply;
}

function deleteConnector(ctx: ApiContext, reference: string): Reply {
  const id = parseUuidParam(reference, ['path', 'connector_id']);
  if (!id.ok) return validationReply([id.detail]);
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
