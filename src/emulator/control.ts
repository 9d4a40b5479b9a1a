/**
 * Emulator-only endpoints under `/_emulator/` (never under /v1, so no client can mistake them
 * for the API). They need no API key: they are how a test or a person drives the emulator.
 *
 *   GET    /_emulator/health                          {"status": "ok", "connectors": N}
 *   GET    /_emulator/stats                           counters
 *   GET    /_emulator/faults                          current fault settings
 *   POST   /_emulator/faults                          merge settings (`rules` replaces the rules)
 *   DELETE /_emulator/faults                          no faults
 *   GET    /_emulator/requests?since=N                the request log
 *   DELETE /_emulator/requests                        empty the log
 *   POST   /_emulator/reset                           back to the starting state
 *   POST   /_emulator/connectors                      add seed entries (a list or {connectors: [...]})
 *   POST   /_emulator/connectors/{id_or_name}/authenticate   {"authenticated": true} by default
 *   PUT    /_emulator/connectors/{id_or_name}/tools   what its MCP server exposes (a list, or null)
 *   PUT    /_emulator/connectors/{id_or_name}/credential_status
 *          {"status": CredentialsStatus | null, "scope"?, "name"?}: a credential's health, or the OAuth grant's
 *   GET    /_emulator/oauth/authorize?state=...       where issued auth URLs lead
 */
import type { EmulatorCore } from './core.js';
import { checkFaultSettings, type FaultSettings } from './faults.js';
import type { RequestBody } from './http.js';
import { jsonReply, methodNotAllowed, type Reply, routeNotFound } from './replies.js';
import { CONSUMER_SCOPES, type ConsumerScope } from './types.js';

/** A request to a control endpoint. */
export interface ControlRequest {
  method: string;
  /** Decoded segments after `/_emulator`. */
  rest: string[];
  query: URLSearchParams;
  body: RequestBody;
}

function problem(status: number, message: string): Reply {
  return jsonReply(status, { error: message });
}

function bodyValue(
  body: RequestBody,
  fallback: unknown,
): { ok: true; value: unknown } | { ok: false; reply: Reply } {
  if (body.kind === 'none') return { ok: true, value: fallback };
  if (body.kind === 'json') return { ok: true, value: body.value };
  return {
    ok: false,
    reply: problem(400, body.kind === 'too_large' ? 'body too large' : 'body is not JSON'),
  };
}

/** Routes one control request. */
export function handleControl(core: EmulatorCore, request: ControlRequest): Reply {
  const { method, rest } = request;
  const [first, second, third, ...more] = rest;
  if (more.length > 0) return routeNotFound();
  switch (first) {
    case 'health':
      return method === 'GET'
        ? jsonReply(200, { status: 'ok', connectors: core.store.size })
        : methodNotAllowed(['GET']);
    case 'stats':
      return method === 'GET' ? jsonReply(200, core.log.stats(core.store.size)) : methodNotAllowed(['GET']);
    case 'faults':
      return faults(core, request);
    case 'requests':
      return requests(core, request);
    case 'reset':
      if (method !== 'POST') return methodNotAllowed(['POST']);
      core.reset();
      return jsonReply(200, { status: 'reset', connectors: core.store.size });
    case 'connectors':
      return connectors(core, request, second, third);
    case 'oauth':
      return second === 'authorize' && third === undefined && method === 'GET'
        ? authorize(core, request)
        : routeNotFound();
    default:
      return routeNotFound();
  }
}

function faults(core: EmulatorCore, request: ControlRequest): Reply {
  if (request.rest.length > 1) return routeNotFound();
  if (request.method === 'GET') return jsonReply(200, core.faults.settings);
  if (request.method === 'DELETE') {
    core.faults.clear();
    return jsonReply(200, core.faults.settings);
  }
  if (request.method !== 'POST') return methodNotAllowed(['GET', 'POST', 'DELETE']);
  const body = bodyValue(request.body, {});
  if (!body.ok) return body.reply;
  const problems = checkFaultSettings(body.value);
  if (problems.length > 0) return jsonReply(400, { error: 'invalid fault settings', problems });
  core.faults.update(body.value as Partial<FaultSettings>);
  return jsonReply(200, core.faults.settings);
}

function requests(core: EmulatorCore, request: ControlRequest): Reply {
  if (request.rest.length > 1) return routeNotFound();
  if (request.method === 'DELETE') {
    core.log.clear();
    return jsonReply(200, { status: 'cleared' });
  }
  if (request.method !== 'GET') return methodNotAllowed(['GET', 'DELETE']);
  const since = Number(request.query.get('since') ?? '0');
  return jsonReply(200, { requests: core.log.since(Number.isFinite(since) ? since : 0) });
}

function connectors(core: EmulatorCore, request: ControlRequest, reference?: string, action?: string): Reply {
  try {
    if (reference === undefined) {
      if (request.method !== 'POST') return methodNotAllowed(['POST']);
      const body = bodyValue(request.body, []);
      if (!body.ok) return body.reply;
      const added = core.insert(body.value, 'POST /_emulator/connectors');
      return jsonReply(201, { inserted: added.map((record) => ({ id: record.id, name: record.name })) });
    }
    if (action === 'authenticate') {
      if (request.method !== 'POST') return methodNotAllowed(['POST']);
      const body = bodyValue(request.body, {});
      if (!body.ok) return body.reply;
      const wanted = (body.value as { authenticated?: unknown } | null)?.authenticated ?? true;
      if (typeof wanted !== 'boolean') return problem(400, 'authenticated: expected true or false');
      const record = core.markAuthenticated(reference, wanted);
      return jsonReply(200, { id: record.id, name: record.name, is_authenticated: record.is_authenticated });
    }
    if (action === 'tools') {
      if (request.method !== 'PUT') return methodNotAllowed(['PUT']);
      const body = bodyValue(request.body, null);
      if (!body.ok) return body.reply;
      const value = body.value as { tools?: unknown } | unknown[] | null;
      const tools =
        value !== null && !Array.isArray(value) && typeof value === 'object' ? (value.tools ?? null) : value;
      const record = core.setTools(reference, tools);
      return jsonReply(200, {
        id: record.id,
        name: record.name,
        tools: record.server_tools?.map((tool) => tool.name) ?? null,
      });
    }
    if (action === 'credential_status') {
      if (request.method !== 'PUT') return methodNotAllowed(['PUT']);
      const body = bodyValue(request.body, {});
      if (!body.ok) return body.reply;
      const { status = null, scope, name } = (body.value ?? {}) as Record<string, unknown>;
      if ((scope === undefined) !== (name === undefined))
        return problem(400, 'give both scope and name, or neither');
      if (scope !== undefined && !(CONSUMER_SCOPES as readonly unknown[]).includes(scope))
        return problem(400, 'scope: expected user, workspace or organization');
      const target = scope === undefined ? null : { scope: scope as ConsumerScope, name: String(name) };
      const record = core.setCredentialStatus(reference, status, target);
      return jsonReply(200, { id: record.id, name: record.name, status });
    }
    return routeNotFound();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return problem(message.startsWith('no connector') ? 404 : 400, message);
  }
}

/** Where issued auth URLs lead: the person grants access, then goes back to the app. */
function authorize(core: EmulatorCore, request: ControlRequest): Reply {
  const result = core.oauth.complete(request.query.get('state') ?? '');
  const page = (status: number, text: string): Reply => ({
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><title>connector-sync emulator</title><p>${text}</p>\n`,
  });
  if (!result.ok) {
    return result.reason === 'expired'
      ? page(410, 'This authorization link has expired; ask for a new auth URL.')
      : page(400, 'Unknown or already used authorization link.');
  }
  const record = core.store.markAuthenticated(result.connectorId, true);
  if (!record) return page(404, 'The connector no longer exists.');
  if (result.appReturnUrl === null)
    return page(200, `Connector ${record.name} is authenticated. You can close this page.`);
  const back = new URL(result.appReturnUrl);
  back.searchParams.set('connector_id', record.id);
  back.searchParams.set('status', 'success');
  return { status: 302, body: '', contentType: 'text/plain', headers: { location: back.toString() } };
}
