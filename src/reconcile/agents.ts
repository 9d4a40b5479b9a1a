import type { AgentConnectorTool, AgentListing } from '../api/agents.js';
import type { RemoteConnector } from '../api/types.js';
import type { Operation, PlanAgents, PlanRefusal, PlanWarning } from './types.js';

/**
 * Which agents use which connector, and what a plan would break for them. Agents name a connector
 * by its name or its UUID: a delete or a replace breaks both kinds of reference, a rename only the
 * references by the old name. Pure: the agents and the tools are inputs, read by the run.
 */

/** One agent version that references a connector. */
interface Use {
  agent: string;
  version: number;
  latest: boolean;
  aliases: string[];
  by: 'name' | 'id';
  tool: AgentConnectorTool;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The uses of each remote connector, by connector id. */
function usesById(agents: AgentListing, remote: readonly RemoteConnector[]): Map<string, Use[]> {
  const byName = new Map<string, RemoteConnector[]>();
  for (const connector of remote)
    byName.set(connector.name, [...(byName.get(connector.name) ?? []), connector]);
  const byId = new Map(remote.map((connector) => [connector.id.toLowerCase(), connector]));
  const uses = new Map<string, Use[]>();
  for (const agent of agents.agents) {
    for (const version of agent.versions) {
      for (const tool of version.connectors) {
        const ref = tool.connector_id;
        const byUuid = UUID.test(ref) ? byId.get(ref.toLowerCase()) : undefined;
        const targets = byUuid ? [byUuid] : (byName.get(ref) ?? []);
        for (const target of targets) {
          const use: Use = { agent: agent.name, ...version, by: byUuid ? 'id' : 'name', tool };
          uses.set(target.id, [...(uses.get(target.id) ?? []), use]);
        }
      }
    }
  }
  return uses;
}

/** "support-bot", or "triage (alias prod, v4)" for an older version an alias pins. */
function describeUse(use: Pick<Use, 'agent' | 'latest' | 'aliases' | 'version'>): string {
  if (use.latest) return use.agent;
  const pins = use.aliases.map((alias) => `alias ${alias}`);
  return `${use.agent} (${[...pins, `v${use.version}`].join(', ')})`;
}

function uniqueDescriptions(uses: readonly Use[]): string[] {
  return [...new Set(uses.map(describeUse))].sort();
}

/** What the plan shows about agents: per connector of its basis, the agents that use it. */
export function planAgents(
  agents: AgentListing,
  remote: readonly RemoteConnector[],
  basisIds: ReadonlySet<string>,
): PlanAgents {
  const uses = usesById(agents, remote);
  const used_by = remote
    .filter((connector) => basisIds.has(connector.id) && uses.has(connector.id))
    .map((connector) => ({
      name: connector.name,
      id: connector.id,
      agents: uniqueDescriptions(uses.get(connector.id)!),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    read: agents.complete,
    ...(agents.incompleteReason ? { reason: agents.incompleteReason } : {}),
    used_by,
  };
}

const ALLOW = '--allow-breaking-agents';

/**
 * Refusals for the operations that would break agents: deletes and replaces of a connector an agent
 * uses, renames of one an agent names by its old name; and, when the agents could not all be read,
 * any delete, replace or rename at all.
 */
export function agentRefusals(
  operations: readonly Operation[],
  agents: AgentListing,
  remote: readonly RemoteConnector[],
): PlanRefusal[] {
  const breaking = operations.filter(
    (op) => op.remote !== null && (op.kind === 'delete' || op.kind === 'replace' || op.renamed_from !== null),
  );
  if (breaking.length === 0) return [];
  if (!agents.complete) {
    return [
      {
        code: 'agents-unreadable',
        message: `the agents that use connectors could not all be read (${agents.incompleteReason ?? 'unknown reason'}), so deleting, replacing or renaming is unsafe`,
        flag: ALLOW,
        names: breaking.map((op) => op.name),
      },
    ];
  }
  const uses = usesById(agents, remote);
  const refusals: PlanRefusal[] = [];
  for (const op of breaking) {
    const all = uses.get(op.remote!.id) ?? [];
    const renaming = op.kind !== 'delete' && op.kind !== 'replace';
    const broken = renaming ? all.filter((use) => use.by === 'name') : all;
    if (broken.length === 0) continue;
    const who = `${broken.length === 1 ? 'agent' : 'agents'} ${uniqueDescriptions(broken).join(', ')}`;
    refusals.push({
      code: 'breaks-agents',
      message: renaming
        ? `renaming ${op.renamed_from} to ${op.name} breaks the ${who}, which reference it by its old name: update them first (or make them reference its id, ${op.remote!.id})`
        : `${op.kind === 'delete' ? 'deleting' : 'replacing'} ${op.remote!.name} leaves the ${who} without its tools`,
      flag: ALLOW,
      names: [op.name],
    });
  }
  return refusals;
}

/** Warnings for tools an agent's `tool_configuration` names that the connector does not expose. */
export function unknownToolWarnings(
  agents: AgentListing,
  remote: readonly RemoteConnector[],
  toolsById: ReadonlyMap<string, readonly string[]>,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const byId = new Map(remote.map((connector) => [connector.id, connector]));
  for (const [id, uses] of usesById(agents, remote)) {
    const tools = toolsById.get(id);
    if (!tools) continue;
    const exposed = new Set(tools);
    for (const use of uses) {
      for (const list of ['include', 'exclude', 'requires_confirmation'] as const) {
        for (const tool of use.tool.tool_configuration?.[list] ?? []) {
          if (exposed.has(tool)) continue;
          const name = byId.get(id)!.name;
          warnings.push({
            code: 'agent-unknown-tool',
            name,
            message: `agent ${describeUse(use)} names the tool ${JSON.stringify(tool)} in tool_configuration.${list} of ${name}, which does not expose it`,
          });
        }
      }
    }
  }
  return warnings;
}

/** The connectors whose tools the unknown-tool check needs: those an agent configures tools of. */
export function configuredConnectorIds(agents: AgentListing, remote: readonly RemoteConnector[]): string[] {
  const ids: string[] = [];
  for (const [id, uses] of usesById(agents, remote)) {
    const named = uses.some((use) => {
      const config = use.tool.tool_configuration;
      return (
        config !== null &&
        [config.include, config.exclude, config.requires_confirmation].some((l) => l?.length)
      );
    });
    if (named) ids.push(id);
  }
  return ids;
}
