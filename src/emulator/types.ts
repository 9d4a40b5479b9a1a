/**
 * Shapes shared by the emulator's modules: what it stores, what it is started with, and what a
 * test gets back. Wire shapes follow ../shared/api/connectors-openapi.yaml.
 */

/** Visibility as the API stores it (`shared_global` only for Mistral's own connectors). */
export type StoredVisibility = 'shared_global' | 'shared_org' | 'shared_workspace' | 'private';

/** Who owns a connector (the API's ConsumerType). */
export type OwnerType = 'user' | 'org' | 'workspace' | 'system';

/** An MCP tool as an MCP server lists it (the API's MCPTool). */
export interface McpTool {
  name: string;
  title?: string | null;
  description?: string | null;
  inputSchema: Record<string, unknown>;
  annotations?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** The write-only OAuth client credentials of a connector (create's `auth_data`). */
export interface StoredAuthData {
  client_id: string;
  client_secret: string | null;
}

/** A connector-wide header (GlobalHeaderValue): a secret value is never presented in clear. */
export interface StoredGlobalHeader {
  value: string;
  is_secret: boolean;
}

/** An auth method's OAuth client (Oauth2MetadataSecrets); create's `auth_data` lands here too. */
export interface StoredOAuthSecrets {
  client_id: string | null;
  client_secret: string | null;
  client_id_issued_at: number | null;
  client_secret_expires_at: number | null;
}

/** A header a credential of a method needs (ConnectorAuthenticationHeader): names only. */
export interface StoredHeaderSpec {
  name: string;
  is_required: boolean;
  is_secret: boolean;
}

/** Method types the API knows (OutboundAuthenticationType plus the inbound `webhook`). */
export type StoredMethodType = 'oauth2' | 'bearer' | 'none' | 'github_app' | 'slack_app' | 'webhook';

/** One authentication method of a connector, as AuthenticationMethodCreateOrUpdateRequest sets it. */
export interface StoredAuthMethod {
  method_type: StoredMethodType;
  auth_direction: 'inbound' | 'outbound';
  headers: StoredHeaderSpec[] | null;
  global_headers: Record<string, StoredGlobalHeader>;
  oauth2_metadata_secrets: StoredOAuthSecrets | null;
  oauth2_server_metadata: Record<string, unknown> | null;
}

/** Where a connector is activated or a credential lives (the path's `{consumer_scope}`). */
export type ConsumerScope = 'user' | 'workspace' | 'organization';
export const CONSUMER_SCOPES: readonly ConsumerScope[] = ['user', 'workspace', 'organization'];

/** A credential's health as the API reports it (CredentialsStatus). */
export interface CredentialStatus {
  status_type: 'valid' | 'invalid' | 'error';
  last_checked_at?: string | null;
  error_http_code?: number | null;
  error_message?: string | null;
}

/** The write-only values of a credential (ConnectionCredentials). */
export interface StoredCredentialValues {
  headers: Record<string, string> | null;
  bearer_token: string | null;
  oauth: Record<string, unknown> | null;
  github_installation_id: string | null;
}

/** A named credential of one scope (AuthenticationConfiguration plus its values). */
export interface StoredCredential {
  name: string;
  title: string | null;
  method_type: 'oauth2' | 'bearer' | 'none' | 'github_app' | 'slack_app';
  is_default: boolean;
  /** Write-only: kept, never returned. */
  values: StoredCredentialValues;
  status: CredentialStatus | null;
}

/**
 * A connector as the emulator holds it: everything the API knows, write-only secrets included.
 * It is never sent as is; `present.ts` builds every response from an explicit list of fields.
 */
export interface ConnectorRecord {
  id: string;
  name: string;
  title: string | null;
  description: string;
  server: string;
  icon_url: string | null;
  system_prompt: string | null;
  visibility: StoredVisibility;
  owner_type: OwnerType;
  created_at: string;
  modified_at: string;
  active: boolean | null;
  mistral: boolean;
  /**
   * Write-only: create's `headers` ("organization-level headers"). No update path reaches this
   * store: PATCH changes headers only through `auth_methods[].global_headers`.
   */
  org_headers: Record<string, unknown> | null;
  /** The methods, with their global headers and OAuth settings; secrets never returned in clear. */
  auth_methods: StoredAuthMethod[];
  /** Create's `oauth2_server_metadata_url` (the API fetches the document; it is not shown). */
  oauth2_server_metadata_url: string | null;
  /** Per consumer scope, whether activate (true) or deactivate (false) was called last. */
  activation: Record<ConsumerScope, boolean>;
  /** Non-OAuth credentials per scope, in creation order. */
  credentials: Record<ConsumerScope, StoredCredential[]>;
  /** The health of the OAuth grant, shown in `connection_credentials` once a person authenticated. */
  oauth_status: CredentialStatus | null;
  /** Whether a person finished OAuth; only meaningful for OAuth connectors. */
  is_authenticated: boolean;
  /** What the MCP server exposes; null means "derived from the server URL". */
  server_tools: McpTool[] | null;
  /** The API's cache of the last discovery (what `tools` shows); null until tools were listed. */
  discovered_tools: McpTool[] | null;
  discovered_at: string | null;
}

/** One connector in a seed file: the create body plus the read-only fields a seed may fix. */
export interface SeedConnector {
  name: string;
  description: string;
  server: string;
  visibility?: StoredVisibility;
  title?: string | null;
  icon_url?: string | null;
  system_prompt?: string | null;
  headers?: Record<string, unknown> | null;
  global_headers?: Record<string, { value: string; is_secret?: boolean }>;
  auth_data?: { client_id: string; client_secret?: string | null } | null;
  oauth2_server_metadata?: Record<string, unknown> | null;
  oauth2_server_metadata_url?: string | null;
  id?: string;
  created_at?: string;
  modified_at?: string;
  active?: boolean | null;
  mistral?: boolean;
  is_authenticated?: boolean;
  /** Credentials already set, per scope (values as a POST would give them). */
  credentials?: Array<{
    scope: ConsumerScope;
    name: string;
    title?: string | null;
    is_default?: boolean;
    headers?: Record<string, string> | null;
    bearer_token?: string | null;
    status?: CredentialStatus | null;
  }>;
  /** The health of the OAuth grant (shown once authenticated). */
  oauth_status?: CredentialStatus | null;
  /** What its MCP server exposes; `inputSchema` may be left out (an empty object schema is used). */
  tools?: Array<{
    name: string;
    description?: string | null;
    inputSchema?: Record<string, unknown>;
    [key: string]: unknown;
  }>;
}

/** One request the emulator answered (control endpoints excluded). */
export interface RequestLogEntry {
  /** 1-based, in arrival order. */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  /** When the request arrived, ISO 8601, from the emulator's clock. */
  time: string;
  durationMs: number;
  /** The injected fault that shaped the answer, if any. */
  fault?: string;
  /**
   * Body fields the API's schema does not define, as dotted paths (`headers`,
   * `auth_methods[0].oauth2_server_metadata_url`): ignored, not stored, as pydantic ignores them.
   */
  ignored?: string[];
}

/** Live counters. */
export interface EmulatorStats {
  requests: number;
  byStatus: Record<string, number>;
  faultsInjected: number;
  rateLimited: number;
  connectors: number;
}
