import type { AgentListing } from '../api/agents.js';
import type { ConnectorsApi, RemoteConnector } from '../api/types.js';
import { isConnectorSyncError } from '../errors.js';
import { runPool } from '../pool.js';
import { configuredConnectorIds } from './agents.js';
import type { PlanOptions } from './types.js';

/**
 * The run's reads about agents, the planner's inputs beside the listing. An agents listing that
 * fails (no permission, an error) is not the run's failure: it becomes an incomplete listing with
 * its cause, which blocks only deletes, replaces and renames. An abort still ends the run.
 */
export async function readAgents(
  api: ConnectorsApi,
  signal: AbortSignal | undefined,
): Promise<AgentListing | null> {
  if (!api.listAgents) return null;
  try {
    return await api.listAgents(signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted || !isConnectorSyncError(error)) throw error;
    return {
      agents: [],
      complete: false,
      incompleteReason: `${error.code}: ${error.message.replace(/\.$/, '')}`,
    };
  }
}

/** The agents, and the tools of each connector an agent configures tools of (as GET .../tools lists them). */
export async function agentInputs(
  api: ConnectorsApi,
  agents: AgentListing | null,
  remote: readonly RemoteConnector[],
  settings: { concurrency: number; signal?: AbortSignal },
): Promise<Pick<PlanOptions, 'agents' | 'connectorTools'>> {
  if (agents === null) return {};
  const connectorTools = new Map<string, string[]>();
  const ids = configuredConnectorIds(agents, remote);
  await runPool(
    ids,
    settings.concurrency,
    async (id) => {
      try {
        const tools = await api.listTools(id, settings.signal ? { signal: settings.signal } : {});
        connectorTools.set(
          id,
          tools.map((tool) => tool.name),
        );
      } catch (error) {
        // advice only: a connector whose tools cannot be read is not checked
        if (settings.signal?.aborted || !isConnectorSyncError(error)) throw error;
      }
    },
    settings.signal ? { signal: settings.signal } : {},
  );
  return { agents, connectorTools };
}
