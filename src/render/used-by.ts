import type { PlanAgents } from '../reconcile/types.js';

const SHOWN = 5;

/** "used by 3 agents: support-bot, triage (alias prod, v4), …": the first few, then how many more. */
export function usedByText(agents: readonly string[]): string {
  const shown = agents.slice(0, SHOWN).join(', ');
  const more = agents.length > SHOWN ? `, and ${agents.length - SHOWN} more` : '';
  return `used by ${agents.length} agent${agents.length === 1 ? '' : 's'}: ${shown}${more}`;
}

/** Why the agents are not shown, when they could not all be read. */
export function agentsUnreadText(agents: PlanAgents): string | null {
  if (agents.read) return null;
  return `the agents that use connectors could not all be read (${agents.reason ?? 'unknown reason'}): deletes, replaces and renames are refused until they can (--allow-breaking-agents)`;
}
