import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { UsageError } from '../errors.js';
import { authTarget } from './auth-target.js';
import { type ControlToken, ENABLE_CONTROL_HINT } from './control.js';
import { type HostPolicy, hostAllowed, hostPolicy } from './host-check.js';
import type { DaemonMetrics } from './metrics.js';
import { renderStatusPage } from './page.js';
import { PAGE_STYLE_HASH } from './page-style.js';
import type { DaemonStatus } from './status.js';
import { pagedStatus } from './status-paging.js';
import { parseStatusQuery } from './status-query.js';

const STATUS_QUERY_HINT =
  'for example ?state=attention&q=name&page=2&per_page=100; /status.json?all=1 gives the whole status';

/** What the endpoints that change something do. */
export interface ControlActions {
  reconcile(): void;
  suspend(): void;
  /** Resumes unless the `suspend` setting still holds; says which. */
  resume(): { resumed: boolean; message: string };
}

/** What the server serves. */
export interface ServerDeps {
  status: DaemonStatus;
  metrics: DaemonMetrics;
  token: ControlToken;
  control: ControlActions;
  /** A fresh OAuth URL for the connector with this id. */
  authUrl: (id: string) => Promise<string>;
  logger: Logger;
}

/** A listening status server. */
export interface StatusServer {
  /** `http://HOST:PORT`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const PAGE_CSP = `default-src 'none'; style-src ${PAGE_STYLE_HASH}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

type Reply = { status: number; type: string; body: string; headers?: Record<string, string> };

const text = (status: number, body: string, headers?: Record<string, string>): Reply => ({
  status,
  type: 'text/plain; charset=utf-8',
  body: `${body}\n`,
  ...(headers ? { headers } : {}),
});
const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  type: 'application/json; charset=utf-8',
  body: `${JSON.stringify(value, null, 2)}\n`,
  ...(headers ? { headers } : {}),
});

/**
 * Serves /healthz, /readyz, /metrics, /status.json, the status page at /, /auth/<name> (a fresh
 * OAuth link, for connectors waiting for auth only), and the token-guarded POST /reconcile,
 * /suspend and /resume. Read-only endpoints show no secret: the status holds none.
 */
export async function startServer(
  deps: ServerDeps,
  where: { host: string; port: number; allowHosts?: readonly string[] },
): Promise<StatusServer> {
  const hosts = hostPolicy(where.host, where.allowHosts);
  const server = createServer((request, response) => {
    request.resume();
    void answer(deps, hosts, request, response);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: NodeJS.ErrnoException) => {
    const hint = 'use --port 0 to pick a free port, or another --host';
    if (error.code === 'EADDRINUSE')
      throw new UsageError(`port ${where.port} on ${where.host} is already in use`, hint);
    throw new UsageError(`cannot listen on ${where.host}:${where.port}: ${error.message}`, hint);
  });
  const port = (server.address() as AddressInfo).port;
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // a client that keeps a request open must not hold the shutdown
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}

/** Answers one request; whatever a handler or the reply throws is a 500 page, never a crash. */
async function answer(
  deps: ServerDeps,
  hosts: HostPolicy,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const head = request.method === 'HEAD';
  try {
    if (!hostAllowed(request.headers.host, hosts)) {
      deps.logger.warn({ path: request.url?.split('?', 1)[0] }, 'request for another host refused');
      return send(response, text(421, 'this server does not answer for that host name'), head);
    }
    send(response, await route(deps, request), head);
  } catch (error) {
    deps.logger.error({ err: { message: (error as Error)?.message } }, 'status server error');
    if (response.headersSent) response.destroy();
    else send(response, text(500, 'internal error'), head);
  }
}

async function route(deps: ServerDeps, request: IncomingMessage): Promise<Reply> {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const read = method === 'GET' || method === 'HEAD';
  if (['/reconcile', '/suspend', '/resume'].includes(path)) {
    if (method !== 'POST') return text(405, `${path} needs POST`, { allow: 'POST' });
    return control(deps, path, request.headers.authorization);
  }
  const page = readRoute(deps, path, url.searchParams);
  if (page === null) return text(404, `not found: ${path} (see / for the status page)`);
  if (!read) return text(405, `${path} answers GET`, { allow: 'GET, HEAD' });
  return page();
}

function readRoute(deps: ServerDeps, path: string, params: URLSearchParams): (() => Promise<Reply>) | null {
  switch (path) {
    case '/healthz':
      return async () => text(200, 'ok');
    case '/readyz':
      return async () => {
        const readiness = deps.status.readiness();
        return readiness.ready ? text(200, 'ready') : text(503, `not ready: ${readiness.reasons.join('; ')}`);
      };
    case '/metrics':
      return async () => ({ status: 200, type: deps.metrics.contentType, body: await deps.metrics.render() });
    case '/status.json':
      return async () => {
        const parsed = parseStatusQuery(params);
        if (!parsed.ok) return json(400, { error: parsed.message, hint: STATUS_QUERY_HINT });
        const view = deps.status.view();
        return json(200, parsed.query.all ? view : pagedStatus(view, parsed.query, path));
      };
    case '/':
      return async () => {
        const parsed = parseStatusQuery(params);
        if (!parsed.ok) return text(400, `${parsed.message}\n${STATUS_QUERY_HINT}`);
        return {
          status: 200,
          type: 'text/html; charset=utf-8',
          body: renderStatusPage(deps.status.view(), parsed.query),
          headers: { 'content-security-policy': PAGE_CSP },
        };
      };
  }
  if (path.startsWith('/auth/')) {
    let name: string;
    try {
      name = decodeURIComponent(path.slice('/auth/'.length));
    } catch {
      return null;
    }
    return () => authRedirect(deps, name);
  }
  return null;
}

async function authRedirect(deps: ServerDeps, name: string): Promise<Reply> {
  const id = deps.status.pendingAuthId(name);
  if (id === undefined)
    return text(404, `${name} is not waiting for auth (see / for the connectors that are)`);
  let url: string;
  try {
    url = await deps.authUrl(id);
  } catch (error) {
    deps.logger.warn({ connector: name, err: { message: (error as Error).message } }, 'auth link failed');
    return text(502, `could not get an authorization URL for ${name}: ${(error as Error).message}`);
  }
  const target = authTarget(url);
  if (!target.ok) {
    deps.logger.warn({ connector: name, reason: target.reason }, 'auth link refused');
    return text(
      502,
      `the API answered an authorization URL for ${name} that is not followed: ${target.reason}`,
    );
  }
  deps.logger.info({ connector: name }, 'auth link issued');
  return {
    ...text(303, `continue at the authorization URL of ${name}`),
    headers: { location: target.location },
  };
}

function control(deps: ServerDeps, path: string, authorization: string | undefined): Reply {
  const verdict = deps.token.check(authorization);
  if (verdict === 'disabled')
    return json(403, { error: 'control endpoints are disabled', hint: ENABLE_CONTROL_HINT });
  if (verdict !== 'ok') {
    deps.logger.warn({ endpoint: path, reason: verdict }, 'control request refused');
    return json(
      401,
      { error: verdict === 'missing' ? 'a bearer token is required' : 'wrong token' },
      { 'www-authenticate': 'Bearer realm="connector-sync"' },
    );
  }
  deps.logger.info({ endpoint: path }, 'control request');
  if (path === '/reconcile') {
    deps.control.reconcile();
    return json(202, { status: 'queued', message: 'a reconcile runs now, or right after the one in flight' });
  }
  if (path === '/suspend') {
    deps.control.suspend();
    return json(200, {
      status: 'suspended',
      message: 'plans and reports drift, writes nothing until POST /resume',
    });
  }
  const resumed = deps.control.resume();
  return json(resumed.resumed ? 200 : 409, {
    status: resumed.resumed ? 'resumed' : 'suspended',
    message: resumed.message,
  });
}

function send(response: ServerResponse, reply: Reply, head: boolean): void {
  response.writeHead(reply.status, {
    ...COMMON_HEADERS,
    'content-type': reply.type,
    'content-length': Buffer.byteLength(reply.body),
    ...reply.headers,
  });
  response.end(head ? undefined : reply.body);
}
