import type { CursorPage } from './paging.js';
import type { Checked } from './shapes.js';

/**
 * The agents that use connectors, as the Agents API shows them (../shared/api/agents-openapi.yaml).
 * Only what connector-sync needs is kept: each agent's id and name, and per version the connector
 * tools it names. An agent's tool may carry an `authorization` (an API key): it is dropped here, at
 * the boundary, so no later step can print it.
 */

/** `tool_configuration` of a connector tool: tool names, each list optional. */
export interface AgentToolConfiguration {
  include: string[] | null;
  exclude: string[] | null;
  requires_confirmation: string[] | null;
}

/** A `{type: connector}` tool: `connector_id` is the connector's name or UUID. */
export interface AgentConnectorTool {
  connector_id: string;
  tool_configuration: AgentToolConfiguration | null;
}

/** One version of an agent that is in use: the latest, or one an alias pins. */
export interface AgentVersionUse {
  version: number;
  latest: boolean;
  /** Aliases that pin this version, sorted. */
  aliases: string[];
  connectors: AgentConnectorTool[];
}

/** An agent and the versions of it that count. */
export interface RemoteAgent {
  id: string;
  name: string;
  versions: AgentVersionUse[];
}

/** Every agent the key can see, and whether that is provably all of them. */
export interface AgentListing {
  agents: RemoteAgent[];
  complete: boolean;
  /** Why not (an error, a 403, a page limit), in a sentence. */
  incompleteReason?: string;
}

/** An agent as a list page or a version read gives it, cut down to what is used. */
export interface AgentVersionRead {
  id: string;
  name: string;
  version: number;
  /** Every version number the agent has (an alias can pin only one of these). */
  versions: number[];
  connectors: AgentConnectorTool[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const names = (value: unknown): string[] | null =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null;

/**
 * An Agent object, or a reason. Unknown fields are ignored (a newer API); tools of other types
 * are skipped; a connector tool without a string `connector_id` makes the agent unreadable, since
 * what it references cannot be known.
 */
export function checkAgent(body: unknown, where = 'the agent'): Checked<AgentVersionRead> {
  if (!isRecord(body)) return { ok: false, reason: `${where} is not an object` };
  if (typeof body.id !== 'string' || body.id === '')
    return { ok: false, reason: `${where} has no string "id"` };
  if (typeof body.name !== 'string') return { ok: false, reason: `${where} has no string "name"` };
  if (!Number.isInteger(body.version)) return { ok: false, reason: `${where} has no whole "version"` };
  const tools = body.tools ?? [];
  if (!Array.isArray(tools)) return { ok: false, reason: `${where}'s "tools" is not a list` };
  const connectors: AgentConnectorTool[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || tool.type !== 'connector') continue;
    if (typeof tool.connector_id !== 'string' || tool.connector_id === '')
      return { ok: false, reason: `${where} has a connector tool without a string "connector_id"` };
    const config = isRecord(tool.tool_configuration) ? tool.tool_configuration : null;
    connectors.push({
      connector_id: tool.connector_id,
      tool_configuration: config && {
        include: names(config.include),
        exclude: names(config.exclude),
        requires_confirmation: names(config.requires_confirmation),
      },
    });
  }
  const versions = Array.isArray(body.versions) ? body.versions.filter(Number.isInteger) : [];
  return {
    ok: true,
    value: {
      id: body.id,
      name: body.name,
      version: body.version as number,
      versions: versions as number[],
      connectors,
    },
  };
}

/** A page of `GET /v1/agents/pages`: `{data: [...], next_page_token}`; a broken item is set aside. */
export function checkAgentPage(body: unknown): Checked<CursorPage<AgentVersionRead>> {
  if (!isRecord(body) || !Array.isArray(body.data))
    return { ok: false, reason: 'the page has no "data" array' };
  const items: AgentVersionRead[] = [];
  const invalid: NonNullable<CursorPage<AgentVersionRead>['invalid']> = [];
  body.data.forEach((item, index) => {
    const checked = checkAgent(item, `agent ${index + 1} of the page`);
    if (checked.ok) items.push(checked.value);
    else {
      const id = isRecord(item) && typeof item.id === 'string' ? item.id : null;
      const name = isRecord(item) && typeof item.name === 'string' ? item.name : null;
      invalid.push({ id, name, field: '(agent)', problem: checked.reason });
    }
  });
  const token = body.next_page_token;
  if (token !== undefined && token !== null && typeof token !== 'string')
    return { ok: false, reason: '"next_page_token" is neither a string nor null' };
  const nextCursor = typeof token === 'string' && token !== '' ? token : null;
  return { ok: true, value: invalid.length > 0 ? { items, nextCursor, invalid } : { items, nextCursor } };
}

/** `GET /v1/agents/{id}/aliases`: a list of `{alias, version}`. */
export function checkAliases(body: unknown): Checked<Array<{ alias: string; version: number }>> {
  if (!Array.isArray(body)) return { ok: false, reason: 'the aliases are not a JSON array' };
  const aliases: Array<{ alias: string; version: number }> = [];
  for (const [index, item] of body.entries()) {
    if (!isRecord(item) || typeof item.alias !== 'string' || !Number.isInteger(item.version))
      return { ok: false, reason: `alias ${index + 1} has no string "alias" and whole "version"` };
    aliases.push({ alias: item.alias, version: item.version as number });
  }
  return { ok: true, value: aliases };
}
