/**
 * Tool digests for the lock. Each tool gets three sha256 digests of canonical JSON (keys sorted,
 * no whitespace): its description, its input schema and its annotations. Three, not one, because
 * the two places that list tools show different fields: an MCP server's `tools/list` has all three,
 * while the Connectors API's ConnectorTool has `description` and `jsonschema` (the server's
 * `inputSchema`, passed through) and no annotations. Digesting the parts separately lets
 * `sync --dry-run` and the daemon compare the two parts the API shows against the same lock that
 * `probe` writes, and makes a lock diff say which part of a tool changed.
 */
import { createHash } from 'node:crypto';
import type { ProbedTool, ToolDigest } from './types.js';

/** JSON with object keys sorted at every depth, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** `sha256:<hex>` of the canonical JSON of a value. */
export function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/** The three digests of one tool as an MCP server lists it (a missing description counts as ""). */
export function toolDigest(tool: ProbedTool): ToolDigest {
  return {
    description: digestOf(tool.description ?? ''),
    input_schema: digestOf(tool.inputSchema ?? null),
    annotations: digestOf(tool.annotations ?? null),
  };
}

/** The parts of the Connectors API's ConnectorTool that the lock digests: no annotations there. */
export const API_DIGESTED_FIELDS = ['description', 'input_schema'] as const;

/**
 * The digests of a tool as `GET /v1/connectors/{id}/tools` lists it: the API passes the server's
 * description and inputSchema through as `description` and `jsonschema`, so these two digests
 * equal the ones `probe` computes from the server itself.
 */
export function apiToolDigest(tool: { description?: string | null; jsonschema?: unknown }): ToolDigest {
  return toolDigest({
    name: '',
    description: tool.description ?? '',
    inputSchema: tool.jsonschema ?? null,
    annotations: null,
  });
}
