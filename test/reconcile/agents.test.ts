import { describe, expect, it } from 'vitest';
import type { AgentListing, RemoteAgent } from '../../src/api/agents.js';
import { planChanges } from '../../src/reconcile/plan.js';
import { desired, planOptions, remoteFor } from '../support/fixtures.js';

const github = remoteFor(desired('github'));
const legacy = remoteFor(desired('legacy'));
const remote = [github, legacy];

function agent(
  name: string,
  refs: string[],
  pinned: Array<{ alias: string; version: number; refs: string[] }> = [],
): RemoteAgent {
  const tools = (ids: string[]) => ids.map((connector_id) => ({ connector_id, tool_configuration: null }));
  return {
    id: `ag_${name}`,
    name,
    versions: [
      { version: 9, latest: true, aliases: [], connectors: tools(refs) },
      ...pinned.map((p) => ({
        version: p.version,
        latest: false,
        aliases: [p.alias],
        connectors: tools(p.refs),
      })),
    ],
  };
}

const listing = (...agents: RemoteAgent[]): AgentListing => ({ agents, complete: true });

describe('agents that use a connector', () => {
  it('shows per connector the agents that use it, by name or id, and the alias that pins an older version', () => {
    const agents = listing(
      agent('support-bot', ['github']),
      agent('triage', [], [{ alias: 'prod', version: 4, refs: [legacy.id.toUpperCase()] }]),
    );
    const plan = planChanges([desired('github'), desired('legacy')], remote, planOptions({ agents }));
    expect(plan.agents).toEqual({
      read: true,
      used_by: [
        { name: 'github', id: github.id, agents: ['support-bot'] },
        { name: 'legacy', id: legacy.id, agents: ['triage (alias prod, v4)'] },
      ],
    });
    expect(plan.refusals).toEqual([]);
  });

  it('refuses a prune of a connector an agent uses, naming the agent, the alias and the flag', () => {
    const agents = listing(agent('triage', [], [{ alias: 'prod', version: 4, refs: ['legacy'] }]));
    const plan = planChanges([desired('github')], remote, planOptions({ prune: true, agents }));
    expect(plan.refusals).toEqual([
      expect.objectContaining({ code: 'breaks-agents', flag: '--allow-breaking-agents', names: ['legacy'] }),
    ]);
    expect(plan.refusals[0]!.message).toContain(
      'deleting legacy leaves the agent triage (alias prod, v4) without its tools',
    );
    const allowed = planChanges(
      [desired('github')],
      remote,
      planOptions({ prune: true, agents, allowBreakingAgents: true }),
    );
    expect(allowed.refusals).toEqual([]);
  });

  it('refuses a rename only for references by the old name: a reference by UUID survives it', () => {
    const renamed = [desired('gh', { renamed_from: 'github' }), desired('legacy')];
    const byName = planChanges(
      renamed,
      remote,
      planOptions({ agents: listing(agent('support-bot', ['github'])) }),
    );
    expect(byName.refusals.map((r) => r.code)).toEqual(['breaks-agents']);
    expect(byName.refusals[0]!.message).toContain('renaming github to gh breaks the agent support-bot');
    expect(byName.refusals[0]!.message).toContain('update them first');
    const byId = planChanges(
      renamed,
      remote,
      planOptions({ agents: listing(agent('support-bot', [github.id])) }),
    );
    expect(byId.refusals).toEqual([]);
  });

  it('refuses a replace of a used connector', () => {
    const changed = [desired('github', { visibility: 'shared_org' }), desired('legacy')];
    const agents = listing(agent('support-bot', ['github']));
    const plan = planChanges(changed, remote, planOptions({ allowReplace: true, agents }));
    expect(plan.refusals.map((r) => r.message)).toEqual([
      expect.stringContaining('replacing github leaves the agent support-bot without its tools'),
    ]);
  });

  it('an unreadable agents listing blocks deletes and renames only, naming the cause and the flag', () => {
    const agents: AgentListing = { agents: [], complete: false, incompleteReason: 'API_FORBIDDEN: 403' };
    const calm = planChanges(
      [desired('github', { description: 'new' }), desired('legacy')],
      remote,
      planOptions({ agents }),
    );
    expect(calm.refusals).toEqual([]);
    expect(calm.agents?.read).toBe(false);
    const pruning = planChanges([desired('github')], remote, planOptions({ prune: true, agents }));
    expect(pruning.refusals).toEqual([
      expect.objectContaining({
        code: 'agents-unreadable',
        flag: '--allow-breaking-agents',
        names: ['legacy'],
      }),
    ]);
    expect(pruning.refusals[0]!.message).toContain('API_FORBIDDEN: 403');
  });

  it('warns about a tool_configuration naming a tool the connector does not expose', () => {
    const agents = listing({
      id: 'ag_1',
      name: 'support-bot',
      versions: [
        {
          version: 1,
          latest: true,
          aliases: [],
          connectors: [
            {
              connector_id: 'github',
              tool_configuration: {
                include: ['search', 'gone'],
                exclude: null,
                requires_confirmation: ['write'],
              },
            },
          ],
        },
      ],
    });
    const connectorTools = new Map([[github.id, ['search', 'read']]]);
    const plan = planChanges(
      [desired('github'), desired('legacy')],
      remote,
      planOptions({ agents, connectorTools }),
    );
    expect(plan.warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'agent-unknown-tool',
        expect.stringContaining('support-bot names the tool "gone" in tool_configuration.include of github'),
      ],
      ['agent-unknown-tool', expect.stringContaining('"write" in tool_configuration.requires_confirmation')],
    ]);
  });
});
