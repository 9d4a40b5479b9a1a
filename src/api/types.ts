/**
 * Wire shapes of the Connectors API (see ../shared/api/connectors-openapi.yaml) and the interface
 * the rest of connector-sync uses to talk to it. Only `src/api` implements it; the applier is the
 * only caller of its write methods.
 */

/** Visibility as the API reports it (includes Mistral's own `shared_global`). */
export type RemoteVisibility = 'shared_global' | 'shared_org' | 'shared_workspace' | 'private';

/** A connector as the API returns it. Unknown extra fields are kept but not typed. */
export interface RemoteConnector {
  id: string;
  name: string;
  title?: string | null;
  description: string;
  created_at: string;
  modified_at: string;
  server?: string | null;
  protocol?: string;
  icon_url?: string | null;
  owner_type: 'user' | 'org' | 'workspace' | 'system';
  visibility: RemoteVisibility;
  system_prompt?: string | null;
  supported_auth_methods?: Array<{ method_type?: string; [key: string]: unknown }> | null;
  active?: boolean | null;
  private_tool_execution: boolean;
  mistral?: boolean;
  is_authenticated?: boolean | null;
  tools?: Array<{ name: string; [key: string]: unknown }> | null;
  connection_credentials?: RemoteCredential[] | null;
  [key: string]: unknown;
}

export interface CredentialStatus {
  status_type: 'valid' | 'invalid' | 'error';
  last_checked_at?: string | null;
  error_http_code?: number | null;
  error_message?: string | null;
}

export interface RemoteCredential {
  name: string;
  title?: string | null;
  authentication_type: string;
  scope: 'user' | 'org' | 'workspace' | 'system';
  status?: CredentialStatus | null;
  is_default?: boolean | null;
}

/**
 * A listed connector that breaks the API's own Connector schema in a field connector-sync relies
 * on. It is kept out of the listing's items and carried on, so that nothing is updated, replaced or
 * deleted on the strength of it and prune is refused while it exists.
 */
export interface InvalidRemoteItem {
  /** Its id, when that is a string (even a malformed one). */
  id: string | null;
  /** Its name, when that is a string. */
  name: string | null;
  /** The first field that broke the schema, e.g. `visibility`. */
  field: string;
  /** What is wrong with it, e.g. `is missing`. */
  problem: string;
}

/** A tool as `GET /v1/connectors/{id}/tools` lists it. */
export interface RemoteTool {
  name: string;
  description?: string | null;
  [key: string]: unknown;
}

/** The consumer scopes a connector can be activated for (POST .../{consumer_scope}/activate). */
export type ConsumerScope = 'user' | 'workspace' | 'organization';

/** A connector-wide header's value (GlobalHeaderValue): secret unless said otherwise. */
export interface GlobalHeaderValue {
  value: string;
  is_secret?: boolean;
}

/** OutboundAuthenticationType. */
export type AuthMethodType = 'oauth2' | 'bearer' | 'none' | 'github_app' | 'slack_app';

/**
 * One entry of an update's `auth_methods` (AuthenticationMethodCreateOrUpdateRequest): the only
 * place a PATCH can carry header values and OAuth client credentials.
 */
export interface AuthMethodBody {
  method_type: AuthMethodType;
  global_headers?: Record<string, GlobalHeaderValue>;
  oauth2_metadata_secrets?: { client_id?: string | null; client_secret?: string | null } | null;
  oauth2_server_metadata?: Record<string, unknown> | null;
}

/** Body of POST /v1/connectors (CreateConnectorRequest). Secret values are already revealed here: build it only in the applier. */
export interface CreateConnectorBody {
  name: string;
  description: string;
  server: string;
  visibility?: 'private' | 'shared_workspace' | 'shared_org';
  title?: string | null;
  icon_url?: string | null;
  system_prompt?: string | null;
  global_headers?: Record<string, GlobalHeaderValue>;
  auth_data?: { client_id: string; client_secret?: string | null } | null;
  oauth2_server_metadata?: Record<string, unknown> | null;
  oauth2_server_metadata_url?: string | null;
}

/**
 * Body of PATCH /v1/connectors/{id} (UpdateConnectorRequest): only the fields to change. It has no
 * `headers` and no `auth_data`: those values travel in `auth_methods`.
 */
export interface UpdateConnectorBody {
  name?: string;
  description?: string;
  server?: string;
  title?: string | null;
  icon_url?: string | null;
  system_prompt?: string | null;
  auth_methods?: AuthMethodBody[];
}

/**
 * Body of POST /v1/connectors/{id_or_name}/{scope}/credentials (CredentialsCreateOrUpdate): creates
 * the named credential or updates it. `is_default` omitted leaves the default as the API's rules say.
 */
export interface CredentialsBody {
  name: string;
  title?: string | null;
  is_default?: boolean | null;
  credentials?: { headers?: Record<string, string> | null; bearer_token?: string | null } | null;
}

/** The result of listing every page. */
export interface ConnectorListing {
  items: RemoteConnector[];
  /** False when paging could not prove it saw everything (repeated cursor, page limit, duplicate item). */
  complete: boolean;
  /** Why the listing is incomplete, in a sentence. */
  incompleteReason?: string;
  /** How many pages were requested. */
  pages: number;
  /** Listed items that break the API's schema (absent from fakes that never serve one). */
  invalid?: InvalidRemoteItem[];
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /** The caller's time left, in ms (the run's budget): a retry wait longer than it gives up instead. */
  remainingMs?: () => number;
}

/** Counters a caller (metrics, benchmarks, tests) can read. */
export interface ClientStats {
  /** Attempts sent, retries included. */
  requests: number;
  /** Attempts by HTTP status ("200", "429"...), or by `network`, `timeout`, `aborted` when there was none. */
  requestsByStatus: Record<string, number>;
  retries: number;
  rateLimited: number;
  /** What the rate pacer is doing (see pace.ts); absent in fakes. */
  pacing?: {
    /** Requests per second it lets through, or null when it does not limit. */
    ratePerSecond: number | null;
    learnedLimitPerSecond: number | null;
    /** Requests it held back, and for how long in all. */
    delayed: number;
    delayedMs: number;
  };
}

/** What a delete found. */
export interface DeleteResult {
  /**
   * True when a retried DELETE met a 404: an earlier attempt whose answer was lost most likely
   * deleted it. A 404 on the first attempt is an API_NOT_FOUND error instead.
   */
  alreadyGone: boolean;
}

/** The Connectors API as connector-sync uses it. */
export interface ConnectorsApi {
  /** Every page, at the largest page size unless told otherwise. */
  listConnectors(options?: CallOptions & { pageSize?: number; active?: boolean }): Promise<ConnectorListing>;
  /** By UUID or name; throws ApiError with code API_NOT_FOUND when absent. */
  getConnector(idOrName: string, options?: CallOptions): Promise<RemoteConnector>;
  /** Never retried blindly: an unknown outcome throws ApiError with `outcomeUnknown` set. */
  createConnector(body: CreateConnectorBody, options?: CallOptions): Promise<RemoteConnector>;
  updateConnector(id: string, body: UpdateConnectorBody, options?: CallOptions): Promise<RemoteConnector>;
  /** UUID only. Resolves to a DeleteResult in the real client; void is accepted from older fakes. */
  // biome-ignore lint/suspicious/noConfusingVoidType: keeps implementations that return Promise<void> valid
  deleteConnector(id: string, options?: CallOptions): Promise<DeleteResult | void>;
  /** PUT /v1/connectors/{id}/share: private to shared_workspace. */
  shareConnector(id: string, options?: CallOptions): Promise<void>;
  /** DELETE /v1/connectors/{id}/share: shared_workspace back to private. */
  unshareConnector(id: string, options?: CallOptions): Promise<void>;
  /** The OAuth URL a person opens; `expiresAt` (ISO) is when its `ttlSeconds` run out, by the client's clock. */
  getAuthUrl(
    idOrName: string,
    options?: CallOptions & { appReturnUrl?: string },
  ): Promise<{ authUrl: string; ttlSeconds: number; expiresAt?: string }>;
  /** Every page of tools. */
  listTools(
    idOrName: string,
    options?: CallOptions & { refresh?: boolean; pageSize?: number; pretty?: boolean },
  ): Promise<RemoteTool[]>;
  /** POST /v1/connectors/{uuid}/{scope}/activate: no body. */
  activateConnector(id: string, scope: ConsumerScope, options?: CallOptions): Promise<void>;
  /** POST /v1/connectors/{uuid}/{scope}/deactivate: for the calling consumer only. */
  deactivateConnector(id: string, scope: ConsumerScope, options?: CallOptions): Promise<void>;
  /** GET .../{scope}/credentials: names, titles, methods and defaults, never values. */
  listCredentials(idOrName: string, scope: ConsumerScope, options?: CallOptions): Promise<RemoteCredential[]>;
  /** POST .../{scope}/credentials: creates or updates one credential. */
  putCredentials(
    idOrName: string,
    scope: ConsumerScope,
    body: CredentialsBody,
    options?: CallOptions,
  ): Promise<void>;
  /** DELETE .../{scope}/credentials/{name}: one credential (never the delete-all route). */
  deleteCredentials(
    idOrName: string,
    scope: ConsumerScope,
    name: string,
    options?: CallOptions,
  ): Promise<void>;
  /**
   * Every agent the key can see, with the versions their aliases pin (see agents-read.ts). The
   * real client has it; a fake without it plans as if no agent could be read.
   */
  listAgents?(options?: CallOptions): Promise<import('./agents.js').AgentListing>;
  stats(): ClientStats;
  close(): Promise<void>;
}
