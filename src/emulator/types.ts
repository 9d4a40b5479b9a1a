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

/** The write-only OAuth client credentials of a connector. */
export interface StoredAuthData {
  client_id: string;
  client_secret: string | null;
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
  /** Write-only: kept, never returned. */
  headers: Record<string, unknown> | null;
  /** Write-only: kept, never returned. Its presence makes the connector an OAuth connector. */
  auth_data: StoredAuthData | null;
  /** Method types declared through the newer API's `auth_methods`; null when never given. */
  auth_methods: string[] | null;
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
  auth_data?: { client_id: string; client_secret?: string | null } | null;
  id?: string;
  created_at?: string;
  modified_at?: string;
  active?: boolean | null;
  mistral?: boolean;
  is_authenticated?: boolean;
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
}

/** Live counters. */
export interface EmulatorStats {
  requests: number;
  byStatus: Record<string, number>;
  faultsInjected: number;
  rateLimited: number;
  connectors: number;
}
