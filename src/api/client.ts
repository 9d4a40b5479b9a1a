import type { Dispatcher } from 'undici';
import { ConnectorSyncError } from '../errors.js';
import { Secret } from '../secret.js';
import { userAgent } from '../version.js';
import type { AgentListing } from './agents.js';
import { readAgents } from './agents-read.js';
import { earlyCursorPeek } from './early-cursor.js';
import { type HttpTimeouts, sendOnce } from './http.js';
import { Pacer } from './pace.js';
import { type CursorPage, collectCursorPages, collectNumberedPages, type FetchCursorPage } from './paging.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, realSleep, type Sleep } from './retry.js';
import {
  type Checked,
  checkAuthUrl,
  checkConnector,
  checkConnectorPage,
  checkCredentials,
  checkTools,
  checkWholeConnector,
} from './shapes.js';
import { type ApiCall, type RequestEvent, Transport } from './transport.js';
import type {
  AuthMethodBody,
  CallOptions,
  ClientStats,
  ConnectorListing,
  ConnectorsApi,
  ConsumerScope,
  CreateConnectorBody,
  CredentialsBody,
  DeleteResult,
  RemoteConnector,
  RemoteTool,
  UpdateConnectorBody,
} from './types.js';
import { Agent } from './undici.js';
import { warmConnector } from './warm.js';

/** Settings of a Connectors API client; only the base URL and the key are required. */
export interface ClientOptions {
  /** e.g. https://api.mistral.ai (a path prefix is kept). */
  baseUrl: string;
  apiKey: string | Secret;
  /** Writes in flight at most; sizes the keep-alive pool. Default 16. */
  concurrency?: number;
  /** Defaults: connect 10 s, headers 30 s, body 30 s (idle), the whole request 60 s. */
  timeouts?: Partial<HttpTimeouts>;
  retry?: Partial<RetryPolicy>;
  /** Connectors per list page, 1..1000 (the API's maximum and the default). */
  pageSize?: number;
  /** Tools per page of the tools list (default 100, the API's default). */
  toolsPageSize?: number;
  /** A listing stops, marked incomplete, after this many pages. Default 1000. */
  maxPages?: number;
  /** Largest response body read, in bytes. Default 64 MiB. */
  maxBodyBytes?: number;
  /** An undici dispatcher to use instead of the client's own pool (tests pass a MockAgent); not closed by close(). */
  dispatcher?: Dispatcher;
  sleep?: Sleep;
  /** Milliseconds, like Date.now. */
  now?: () => number;
  /** In [0, 1), like Math.random (backoff jitter). */
  random?: () => number;
  /** Called after every attempt, for logs and metrics. */
  onRequest?: (event: RequestEvent) => void;
  /** Defaults to connector-sync's own (src/version.ts). */
  userAgent?: string;
}

/** The real client: a ConnectorsApi whose delete says whether it was already gone, and whose auth URL has its expiry. */
export interface ConnectorsClient extends ConnectorsApi {
  /** Opens a connection to the API ahead of the first request (no request is sent; see warm.ts). */
  warm(): void;
  listAgents(options?: CallOptions): Promise<AgentListing>;
  deleteConnector(id: string, options?: CallOptions): Promise<DeleteResult>;
  getAuthUrl(
    idOrName: string,
    options?: CallOptions & { appReturnUrl?: string },
  ): Promise<{ authUrl: string; ttlSeconds: number; expiresAt: string }>;
}

/**
 * The API's largest page: a no-op reconcile lists connectors in ceil(listed / 1000) calls, where
 * the listing holds Mistral's built-in connectors too (the agents are listed apart).
 */
export const MAX_PAGE_SIZE = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ANY: (json: unknown) => Checked<unknown> = (json) => ({ ok: true, value: json });

/** Creates the Connectors API client over an undici keep-alive pool sized for the concurrency. */
export function createClient(options: ClientOptions): ConnectorsClient {
  const base = parseBaseUrl(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const apiKey = options.apiKey instanceof Secret ? options.apiKey.reveal() : options.apiKey;
  const timeouts: HttpTimeouts = {
    connectMs: 10_000,
    headersMs: 30_000,
    bodyMs: 30_000,
    requestMs: 60_000,
    ...options.timeouts,
  };
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 16));
  const connector = options.dispatcher === undefined ? warmConnector({ timeout: timeouts.connectMs }) : null;
  const ownAgent = connector
    ? new Agent({ connections: concurrency, connect: connector.connect, keepAliveTimeout: 30_000 })
    : null;
  const dispatcher = options.dispatcher ?? ownAgent!;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  // one cap on Retry-After for the request that met it and for the pause of everyone else
  const pacer = new Pacer({ maxPauseMs: policy.maxRetryAfterMs, now, sleep });
  const transport = new Transport({
    send: (request, signal) => sendOnce(dispatcher, base.origin, request, timeouts, maxBodyBytes, signal),
    origin: base.origin,
    headers: {
      authorization: `Bearer ${apiKey}`,
      'user-agent': options.userAgent ?? userAgent(),
      accept: 'application/json',
    },
    pacer,
    policy,
    sleep,
    now,
    random: options.random ?? Math.random,
    secrets: [apiKey],
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  const pageSize = checkPageSize(options.pageSize ?? MAX_PAGE_SIZE);
  const toolsPageSize = options.toolsPageSize ?? 100;
  const maxPages = options.maxPages ?? 1000;
  const connectors = `${prefix}/v1/connectors`;
  const one = (idOrName: string) => `${connectors}/${encodeURIComponent(idOrName)}`;
  const send = <T>(call: ApiCall<T>, callOptions?: CallOptions) =>
    transport.call(call, callOptions?.signal, callOptions?.remainingMs);
  let closed = false;

  return {
    async listConnectors(callOptions): Promise<ConnectorListing> {
      const size = checkPageSize(callOptions?.pageSize ?? pageSize);
      // `active` goes out as `active=true`: the official SDK serializes its `query_filters` object
      // in exploded form style (checked against @mistralai/mistralai 2.x), so the API reads it so
      const fetchPage: FetchCursorPage<RemoteConnector> = async (cursor, early) => {
        const signals = callOptions?.signal ? [callOptions.signal, early.signal] : [early.signal];
        const call: ApiCall<CursorPage<RemoteConnector>> = {
          method: 'GET',
          path: connectors,
          query: { page_size: size, cursor: cursor ?? undefined, active: callOptions?.active },
          safety: 'idempotent',
          check: checkConnectorPage,
          peek: earlyCursorPeek(early),
        };
        const reply = await transport.call(call, AbortSignal.any(signals), callOptions?.remainingMs);
        return reply.value!;
      };
      return collectCursorPages(fetchPage, (item) => `connector ${item.id} (${item.name})`, maxPages);
    },

    async getConnector(idOrName, callOptions): Promise<RemoteConnector> {
      const reply = await send(
        { method: 'GET', path: one(idOrName), safety: 'idempotent', check: checkWholeConnector },
        callOptions,
      );
      return reply.value!;
    },

    async createConnector(body: CreateConnectorBody, callOptions): Promise<RemoteConnector> {
      const call = {
        method: 'POST',
        path: connectors,
        body,
        safety: 'create',
        secrets: secretsOf(body),
      } as const;
      const reply = await send({ ...call, check: checkConnector }, callOptions);
      return reply.value!;
    },

    async updateConnector(id: string, body: UpdateConnectorBody, callOptions): Promise<RemoteConnector> {
      // PATCH with the same body twice leaves the same connector: safe to repeat
      const call = {
        method: 'PATCH',
        path: one(requireUuid(id, 'update')),
        body,
        safety: 'idempotent',
      } as const;
      const reply = await send({ ...call, secrets: secretsOf(body), check: checkConnector }, callOptions);
      return reply.value!;
    },

    async deleteConnector(id: string, callOptions?: CallOptions): Promise<DeleteResult> {
      const path = one(requireUuid(id, 'delete'));
      const call = {
        method: 'DELETE',
        path,
        safety: 'idempotent',
        goneAfterRetryIsSuccess: true,
        check: ANY,
      } as const;
      const reply = await send(call, callOptions);
      return { alreadyGone: reply.alreadyGone };
    },

    async shareConnector(id, callOptions): Promise<void> {
      const path = `${one(requireUuid(id, 'share'))}/share`;
      await send({ method: 'PUT', path, safety: 'idempotent', check: ANY }, callOptions);
    },

    async unshareConnector(id, callOptions): Promise<void> {
      const path = `${one(requireUuid(id, 'unshare'))}/share`;
      await send({ method: 'DELETE', path, safety: 'idempotent', check: ANY }, callOptions);
    },

    async getAuthUrl(idOrName, callOptions) {
      const query = { app_return_url: callOptions?.appReturnUrl };
      const path = `${one(idOrName)}/auth_url`;
      const reply = await send(
        { method: 'GET', path, query, safety: 'idempotent', check: checkAuthUrl },
        callOptions,
      );
      const { authUrl, ttlSeconds } = reply.value!;
      return { authUrl, ttlSeconds, expiresAt: new Date(now() + ttlSeconds * 1000).toISOString() };
    },

    async listTools(idOrName, callOptions): Promise<RemoteTool[]> {
      const size = callOptions?.pageSize ?? toolsPageSize;
      const path = `${one(idOrName)}/tools`;
      const fetchPage = async (page: number) => {
        // refresh re-reads the MCP server: once, with the first page, not once per page
        const refresh = page === 1 && callOptions?.refresh ? true : undefined;
        const query = { page, page_size: size, refresh, pretty: callOptions?.pretty };
        const reply = await send(
          { method: 'GET', path, query, safety: 'idempotent', check: checkTools },
          callOptions,
        );
        return reply.value!;
      };
      return collectNumberedPages(
        fetchPage,
        (tool) => `tool "${tool.name}"`,
        size,
        maxPages,
        `the tools of ${idOrName}`,
      );
    },

    async activateConnector(id, scope, callOptions): Promise<void> {
      const path = `${one(requireUuid(id, 'activate'))}/${scope}/activate`;
      await send({ method: 'POST', path, safety: 'idempotent', check: ANY }, callOptions);
    },

    async deactivateConnector(id, scope, callOptions): Promise<void> {
      const path = `${one(requireUuid(id, 'deactivate'))}/${scope}/deactivate`;
      await send({ method: 'POST', path, safety: 'idempotent', check: ANY }, callOptions);
    },

    async listCredentials(idOrName, scope, callOptions) {
      const path = `${one(idOrName)}/${scope}/credentials`;
      const reply = await send(
        { method: 'GET', path, safety: 'idempotent', check: checkCredentials },
        callOptions,
      );
      return reply.value!;
    },

    async putCredentials(idOrName, scope: ConsumerScope, body: CredentialsBody, callOptions): Promise<void> {
      // creates or updates by name: the same body twice leaves the same credential
      const path = `${one(idOrName)}/${scope}/credentials`;
      const secrets = credentialSecrets(body);
      await send({ method: 'POST', path, body, secrets, safety: 'idempotent', check: ANY }, callOptions);
    },

    async deleteCredentials(idOrName, scope, name, callOptions): Promise<void> {
      const path = `${one(idOrName)}/${scope}/credentials/${encodeURIComponent(name)}`;
      await send({ method: 'DELETE', path, safety: 'idempotent', check: ANY }, callOptions);
    },

    async listAgents(callOptions?: CallOptions): Promise<AgentListing> {
      // agents are read on every plan: a few pages of 100, then only the agents with several versions
      const limits = { pageSize: 100, maxPages, maxExtraCalls: 200, concurrency: 4 };
      return readAgents(send, `${prefix}/v1/agents`, limits, callOptions);
    },

    stats(): ClientStats {
      return { ...transport.stats(), pacing: pacer.snapshot() };
    },

    warm(): void {
      connector?.warm(base);
    },

    async close(): Promise<void> {
      connector?.discard();
      if (closed) return;
      closed = true;
      await ownAgent?.close();
    },
  };
}

function parseBaseUrl(raw: string): URL {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConnectorSyncError('SETTINGS_INVALID', `the API base URL must be an http(s) URL, got "${raw}"`);
  }
  return url;
}

function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new ConnectorSyncError(
      'USAGE',
      `page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${size}`,
    );
  }
  return size;
}

/** PATCH, DELETE and share take the UUID only: a name there is a bug in the caller, not a user mistake. */
function requireUuid(id: string, what: string): string {
  if (!UUID.test(id)) {
    throw new ConnectorSyncError(
      'INTERNAL',
      `internal error (this is a bug in connector-sync): ${what} needs the connector's UUID, got "${id}"`,
    );
  }
  return id;
}

/** The write-only values of a body (header values, OAuth client credentials), kept out of every error message. */
function secretsOf(body: CreateConnectorBody | UpdateConnectorBody): string[] {
  const values: Array<string | null | undefined> = [];
  const methods: AuthMethodBody[] = 'auth_methods' in body ? (body.auth_methods ?? []) : [];
  for (const headers of [
    'global_headers' in body ? body.global_headers : undefined,
    ...methods.map((m) => m.global_headers),
  ])
    for (const header of Object.values(headers ?? {})) values.push(header.value);
  if ('auth_data' in body && body.auth_data)
    values.push(body.auth_data.client_id, body.auth_data.client_secret);
  for (const method of methods)
    values.push(method.oauth2_metadata_secrets?.client_id, method.oauth2_metadata_secrets?.client_secret);
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

/** A credential's values (header values, bearer token), kept out of every error message. */
function credentialSecrets(body: CredentialsBody): string[] {
  const values = [...Object.values(body.credentials?.headers ?? {}), body.credentials?.bearer_token];
  return values.filter((value): value is string => typeof value === 'string' && value.length > 0);
}
