/**
 * Tools per connector. Without an explicit list (seed or control endpoint), a connector's MCP
 * server "exposes" tools derived from its URL, so the same server always lists the same tools
 * across runs and machines, and a changed server URL lists different ones.
 */
import { createHash } from 'node:crypto';
import type { McpTool, StoredVisibility } from './types.js';

const VERBS = ['search', 'get', 'list', 'create', 'update', 'read', 'fetch', 'summarize'] as const;
const NOUNS = [
  'documents',
  'issues',
  'pages',
  'files',
  'messages',
  'events',
  'repositories',
  'records',
] as const;
const READ_ONLY_VERBS = new Set(['search', 'get', 'list', 'read', 'fetch', 'summarize']);

/** FNV-1a: a tiny stable hash; only determinism matters here. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function hostOf(server: string): string {
  return URL.canParse(server) ? new URL(server).hostname : server;
}

/**
 * Public MCP servers people try first, with the tools they really expose, so a first run of the
 * quickstart against the emulator checks `expect_tools` the way the real API would.
 */
const KNOWN_SERVERS: Record<string, Array<[name: string, description: string]>> = {
  'mcp.deepwiki.com': [
    ['read_wiki_structure', 'Get a list of documentation topics for a GitHub repository.'],
    ['read_wiki_contents', 'View documentation about a GitHub repository.'],
    ['ask_question', 'Ask any question about a GitHub repository.'],
  ],
  'mcp.context7.com': [
    ['resolve-library-id', 'Resolves a package name to a Context7-compatible library ID.'],
    ['get-library-docs', 'Fetches up-to-date documentation for a library.'],
  ],
};

function knownTools(host: string): McpTool[] | undefined {
  return KNOWN_SERVERS[host]?.map(([name, description]) => ({
    name,
    description,
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: true },
  }));
}

/** The tools an MCP server at this URL exposes: 2 to 5, always the same for the same URL. */
export function deriveTools(server: string): McpTool[] {
  const host = hostOf(server);
  const known = knownTools(host);
  if (known) return known;
  let state = fnv1a(server);
  const count = 2 + (state % 4);
  const tools: McpTool[] = [];
  const seen = new Set<string>();
  while (tools.length < count) {
    state = fnv1a(`${state}:${server}`);
    const verb = VERBS[state % VERBS.length]!;
    const noun = NOUNS[(state >>> 8) % NOUNS.length]!;
    const name = `${verb}_${noun}`;
    if (seen.has(name)) continue;
    seen.add(name);
    tools.push({
      name,
      title: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${noun}`,
      description: `${verb[0]!.toUpperCase()}${verb.slice(1)} ${noun} on ${host}.`,
      inputSchema: {
        type: 'object',
        properties: {
          query: { type: 'string', description: `What to ${verb}.` },
          limit: { type: 'integer', description: 'At most this many results.', default: 10 },
        },
        required: ['query'],
      },
      annotations: { readOnlyHint: READ_ONLY_VERBS.has(verb), destructiveHint: false, openWorldHint: true },
    });
  }
  return tools;
}

/**
 * The `pretty=true` form: only name, description, annotations and a compact inputSchema
 * (property names and types, without descriptions or defaults).
 */
export function prettyTool(tool: McpTool): McpTool {
  const schema = tool.inputSchema;
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const compact: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    compact[key] =
      property && typeof property === 'object' && 'type' in property ? { type: property.type } : {};
  }
  const inputSchema: Record<string, unknown> = { type: schema.type ?? 'object', properties: compact };
  if (Array.isArray(schema.required)) inputSchema.required = schema.required;
  return {
    name: tool.name,
    description: tool.description ?? null,
    annotations: tool.annotations ?? null,
    inputSchema,
  };
}

/** A stable UUID for a connector's tool (name-based, like a UUID v5). */
function toolId(connectorId: string, toolName: string): string {
  const hex = createHash('sha1').update(`${connectorId}/${toolName}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A discovered tool as the Connector's `tools` array shows it (the API's ConnectorTool). */
export function connectorTool(
  connectorId: string,
  visibility: StoredVisibility,
  tool: McpTool,
  discoveredAt: string,
): Record<string, unknown> {
  return {
    id: toolId(connectorId, tool.name),
    name: tool.name,
    description: tool.description ?? '',
    system_prompt: null,
    jsonschema: tool.inputSchema,
    execution_config: { type: 'mcp' },
    visibility,
    created_at: discoveredAt,
    modified_at: discoveredAt,
    active: true,
  };
}

/** Checks a tool list given to the seed or control endpoint; returns the problems found. */
export function checkToolList(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) return [`${where}: expected a list of tools`];
  const problems: string[] = [];
  const names = new Set<string>();
  value.forEach((tool: unknown, index) => {
    const place = `${where}[${index}]`;
    if (typeof tool !== 'object' || tool === null || Array.isArray(tool)) {
      problems.push(`${place}: expected an object with a name`);
      return;
    }
    const { name, inputSchema, description } = tool as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') problems.push(`${place}.name: expected a non-empty string`);
    else if (names.has(name)) problems.push(`${place}.name: '${name}' is listed twice`);
    else names.add(name);
    if (inputSchema !== undefined && (typeof inputSchema !== 'object' || inputSchema === null)) {
      problems.push(`${place}.inputSchema: expected an object`);
    }
    if (description !== undefined && description !== null && typeof description !== 'string') {
      problems.push(`${place}.description: expected a string`);
    }
  });
  return problems;
}

/** Normalizes a checked tool list: every tool gets an inputSchema (MCP requires one). */
export function normalizeTools(tools: ReadonlyArray<Record<string, unknown>>): McpTool[] {
  return tools.map((tool) => ({
    ...tool,
    name: tool.name as string,
    inputSchema: (tool.inputSchema as Record<string, unknown> | undefined) ?? {
      type: 'object',
      properties: {},
    },
  }));
}
