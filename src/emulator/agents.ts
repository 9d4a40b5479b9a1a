/**
 * The read side of the Agents API (../shared/api/agents-openapi.yaml): the agents that use
 * connectors, their versions and their aliases, seeded and then read only. Agents reference
 * connectors by name or UUID and are never changed by connector writes, as on the real API: a
 * deleted connector leaves them pointing at nothing.
 */
import { ConnectorSyncError } from '../errors.js';
import { parseIntegerParam } from './params.js';
import {
  jsonReply,
  methodNotAllowed,
  mistralErrorReply,
  type Reply,
  routeNotFound,
  validationReply,
} from './replies.js';

/** A seed agent: `tools` is its latest version; `versions` the earlier ones, oldest first (numbered from 0). */
export interface SeedAgent {
  name: string;
  id?: string;
  tools?: unknown[];
  versions?: Array<{ tools?: unknown[] }>;
  /** Alias to version number. */
  aliases?: Record<string, number>;
}

/** The agents part of the emulator's state. */
export interface AgentState {
  agents: SeedAgent[];
  /** `forbidden`: every agents route answers 403, as for a key without access to agents. */
  access: 'all' | 'forbidden';
}

const STAMP = '2026-01-01T00:00:00.000Z';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks seed agents; throws SETTINGS_INVALID listing every problem with its place. */
export function checkSeedAgents(data: unknown, source: string): SeedAgent[] {
  if (!Array.isArray(data))
    throw new ConnectorSyncError('SETTINGS_INVALID', `${source}: agents must be a list`);
  const problems: string[] = [];
  data.forEach((entry: unknown, index) => {
    const where = `agents[${index}]`;
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') {
      problems.push(`${where}.name: expected a non-empty string`);
      return;
    }
    const versions = entry.versions ?? [];
    const count = Array.isArray(versions) ? versions.length + 1 : 0;
    if (!Array.isArray(versions)) problems.push(`${where}.versions: expected a list`);
    for (const [key, tools] of [
      ['tools', entry.tools],
      ...(Array.isArray(versions)
        ? versions.map((v, i) => [`versions[${i}].tools`, isRecord(v) ? v.tools : 0])
        : []),
    ] as Array<[string, unknown]>) {
      if (
        tools !== undefined &&
        !(Array.isArray(tools) && tools.every((t) => isRecord(t) && typeof t.type === 'string'))
      )
        problems.push(`${where}.${key}: expected a list of tools, each with a string type`);
    }
    for (const [alias, version] of Object.entries(isRecord(entry.aliases) ? entry.aliases : {})) {
      if (!Number.isInteger(version) || (version as number) < 0 || (version as number) >= count)
        problems.push(`${where}.aliases.${alias}: expected a version from 0 to ${count - 1}`);
    }
  });
  if (problems.length > 0)
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `${source}: invalid seed agents:\n  ${problems.join('\n  ')}`,
    );
  return data as SeedAgent[];
}

function idOf(agent: SeedAgent, index: number): string {
  return agent.id ?? `ag_${String(index + 1).padStart(24, '0')}`;
}

/** An Agent object of the spec, at one version. */
function agentJson(agent: SeedAgent, index: number, version: number): Record<string, unknown> {
  const earlier = agent.versions ?? [];
  const tools = version === earlier.length ? agent.tools : earlier[version]?.tools;
  return {
    object: 'agent',
    id: idOf(agent, index),
    name: agent.name,
    model: 'mistral-medium-latest',
    description: null,
    instructions: null,
    tools: tools ?? [],
    handoffs: null,
    metadata: null,
    version,
    versions: Array.from({ length: earlier.length + 1 }, (_, i) => i),
    created_at: STAMP,
    updated_at: STAMP,
    deployment_chat: false,
    source: 'api',
    version_message: null,
  };
}

const latest = (agent: SeedAgent) => (agent.versions ?? []).length;

/** Routes a request under `/v1/agents` (`rest`: the decoded segments after it). */
export function handleAgents(
  state: AgentState,
  request: { method: string; rest: string[]; query: URLSearchParams },
): Reply {
  if (state.access === 'forbidden')
    return mistralErrorReply(403, 'You do not have access to agents.', 'invalid_request_error', 'forbidden');
  const { method, rest, query } = request;
  if (method !== 'GET')
    return rest.length <= 1 || rest[1] === 'aliases' ? methodNotAllowed(['GET']) : routeNotFound();
  if (rest.length === 1 && rest[0] === 'pages') return listPages(state, query);
  const index = state.agents.findIndex((agent, i) => idOf(agent, i) === rest[0]);
  const agent = state.agents[index];
  if (rest.length === 0 || agent === undefined)
    return rest.length === 0 ? routeNotFound() : agentNotFound(rest[0]!);
  if (rest.length === 1) return jsonReply(200, agentJson(agent, index, latest(agent)));
  if (rest.length === 2 && rest[1] === 'aliases') {
    const aliases = Object.entries(agent.aliases ?? {}).map(([alias, version]) => ({
      alias,
      version,
      created_at: STAMP,
      updated_at: STAMP,
    }));
    return jsonReply(200, aliases);
  }
  if (rest.length === 2 && rest[1] === 'versions') return listVersions(agent, index, query);
  if (rest.length === 3 && rest[1] === 'versions') {
    const version = Number(rest[2]);
    if (!Number.isInteger(version) || version < 0 || version > latest(agent)) return agentNotFound(rest[0]!);
    return jsonReply(200, agentJson(agent, index, version));
  }
  return routeNotFound();
}

function agentNotFound(id: string): Reply {
  return mistralErrorReply(404, `Agent '${id}' not found.`, 'invalid_request_error', 'not_found');
}

function listPages(state: AgentState, query: URLSearchParams): Reply {
  const size = parseIntegerParam(query.get('page_size'), 'page_size', { fallback: 20, min: 1, max: 1000 });
  if (!size.ok) return validationReply([size.detail]);
  const token = query.get('page_token');
  const start = token === null || token === '' ? 0 : decodeToken(token);
  if (start === null)
    return validationReply([
      {
        type: 'value_error',
        loc: ['query', 'page_token'],
        msg: 'Value error, invalid page token',
        input: token,
      },
    ]);
  const data = state.agents
    .slice(start, start + size.value)
    .map((agent, offset) => agentJson(agent, start + offset, latest(agent)));
  const end = start + size.value;
  return jsonReply(200, {
    object: 'list',
    data,
    next_page_token: end < state.agents.length ? Buffer.from(`agents:${end}`).toString('base64url') : null,
  });
}

function decodeToken(token: string): number | null {
  const match = /^agents:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : null;
}

function listVersions(agent: SeedAgent, index: number, query: URLSearchParams): Reply {
  const page = parseIntegerParam(query.get('page'), 'page', { fallback: 0, min: 0 });
  const size = parseIntegerParam(query.get('page_size'), 'page_size', { fallback: 20, min: 1, max: 100 });
  const problems = [page, size].flatMap((parsed) => (parsed.ok ? [] : [parsed.detail]));
  if (!page.ok || !size.ok) return validationReply(problems);
  const all = Array.from({ length: latest(agent) + 1 }, (_, version) =>
    agentJson(agent, index, version),
  ).reverse();
  return jsonReply(200, all.slice(page.value * size.value, (page.value + 1) * size.value));
}
