/** What `connector-sync probe` found at one MCP server, as data (rendered by src/render/probe-*.ts). */

/** How a server answered: `ok` and `auth-required` are the answers of a working MCP server; `mcp-error` is an MCP server refusing. */
export type ServerStatus = 'ok' | 'auth-required' | 'unreachable' | 'timeout' | 'not-mcp' | 'mcp-error';

/** One tool as the server's `tools/list` returned it (remote data: escape before showing). */
export interface ProbedTool {
  name: string;
  description: string;
  inputSchema: unknown;
  annotations: unknown;
}

/** The outcome of speaking MCP to one server, before it is held against what the repository declares. */
export interface ServerProbe {
  status: ServerStatus;
  /** Which transport answered: Streamable HTTP, or the older HTTP+SSE one. */
  transport: 'streamable-http' | 'sse' | null;
  protocolVersion: string | null;
  serverName: string | null;
  serverVersion: string | null;
  /** Why it is not `ok`: "DNS lookup failed (ENOTFOUND)", "HTTP 404", "an HTML page"... */
  cause: string | null;
  /** For `auth-required`: the protected-resource metadata URL the 401 named, when it named one. */
  resourceMetadata: string | null;
  /** Every page of `tools/list`; null when the tools could not be listed. */
  tools: ProbedTool[] | null;
}

/** Per tool, the sha256 of the canonical JSON of each part (see digest.ts for why three). */
export interface ToolDigest {
  description: string;
  input_schema: string;
  annotations: string;
}

/** What differs between the lock and what a server serves now, by tool name. */
export interface ToolDrift {
  added: string[];
  removed: string[];
  changed: Array<{ name: string; fields: Array<keyof ToolDigest> }>;
}

/** One declared connector's probe, judged against its file and the lock. */
export interface ConnectorProbe {
  connector: string;
  file: string;
  line: number;
  server: string;
  probe: ServerProbe;
  /** `expect_tools` the server did not list (empty when the tools could not be listed). */
  missingTools: string[];
  /** Null when there is no lock, the connector is not in it, or the tools could not be listed. */
  drift: ToolDrift | null;
  warnings: string[];
  /** True when the server answered as declared: MCP (or OAuth expected), tools present, no drift. */
  ok: boolean;
}
