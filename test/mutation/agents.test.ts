/** Agents and the connectors they use: what a plan shows, what it refuses, what it warns about. */
import { describe, expect, it } from 'vitest';
import type {
  AgentConnectorTool,
  AgentListing,
  AgentToolConfiguration,
  RemoteAgent,
} from '../../src/api/agents.js';
import type { RemoteConnector } from '../../src/api/types.js';
import {
  agentRefusals,
  configuredConnectorIds,
  planAgents,
  unknownToolWarnings,
} from '../../src/reconcile/agents.js';
import type { Operation, OperationKind } from '../../src/reconcile/types.js';
import { desired, operation, remoteFor } from '../support/fixtures.js';

const connector = (name: string, id?: string) => remoteFor(desired(name), id === undefined ? {} : { id });
const tool = (
  connector_id: string,
  config: Partial<AgentToolConfiguration> | null = null,
): AgentConnectorTool => ({
  connector_id,
  tool_configuration:
    config === null ? null : { include: null, exclude: null, requires_confirmation: null, ...config },
});
const agent = (
  name: string,
  tools: AgentConnectorTool[],
  version = { version: 3, latest: true, aliases: [] as string[] },
): RemoteAgent => ({
  id: `ag_${name}`,
  name,
  versions: [{ ...version, connectors: tools }],
});
const listing = (...agents: RemoteAgent[]): AgentListing => ({ agents, complete: true });
const ids = (...remote: RemoteConnector[]) => new Set(remote.map((r) => r.id));
const op = (kind: OperationKind, target: RemoteConnector | null, extra: Partial<Operation> = {}) =>
  operation(kind, target?.name ?? 'new', {
    remote: target && { id: target.id, name: target.name, modified_at: target.modified_at },
    ...extra,
  });

describe('planAgents', () => {
  it('lists, in name order, the connectors of the basis some agent uses, with the agents sorted', () => {
    const [c, a, b, unused, outside] = ['c', 'a', 'b', 'unused', 'outside'].map((n) => connector(n));
    const agents = listing(
      agent('zeta', [tool('a'), tool('b'), tool('c'), tool('outside')]),
      agent('alpha', [tool('a')]),
      agent('pinned', [tool('a')], { version: 2, latest: false, aliases: ['prod', 'eu'] }),
    );
    expect(planAgents(agents, [c!, a!, b!, unused!, outside!], ids(c!, a!, b!, unused!))).toEqual({
      read: true,
      used_by: [
        { name: 'a', id: a!.id, agents: ['alpha', 'pinned (alias prod, alias eu, v2)', 'zeta'] },
        { name: 'b', id: b!.id, agents: ['zeta'] },
        { name: 'c', id: c!.id, agents: ['zeta'] },
      ],
    });
  });

  it('says why the agents could not all be read', () => {
    const agents = { agents: [], complete: false, incompleteReason: 'HTTP 403' };
    expect(planAgents(agents, [], new Set())).toEqual({ read: false, reason: 'HTTP 403', used_by: [] });
  });

  it('matches a UUID reference by id whatever its case, and every connector of a shared name', () => {
    const upper = connector('upper', 'AAAAAAAA-0000-4000-8000-00000000000A');
    const lower = connector('lower', 'bbbbbbbb-0000-4000-8000-00000000000b');
    const twin1 = connector('twin');
    const twin2 = connector('twin');
    const agents = listing(
      agent('x', [
        tool('aaaaaaaa-0000-4000-8000-00000000000a'),
        tool('BBBBBBBB-0000-4000-8000-00000000000B'),
        tool('twin'),
      ]),
    );
    const shown = planAgents(agents, [upper, lower, twin1, twin2], ids(upper, lower, twin1, twin2));
    expect(shown.used_by.map((u) => u.id)).toEqual([lower.id, twin1.id, twin2.id, upper.id]);
  });

  it('reads a reference that is not exactly a UUID as a name, even when some id is spelled so', () => {
    const refs = [
      'x00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000001x',
      '0-0000-4000-8000-000000000001',
      'gggggggg-0000-4000-8000-000000000001',
      '00000000-0-4000-8000-000000000001',
      '00000000-gggg-4000-8000-000000000001',
      '00000000-0000-4-8000-000000000001',
      '00000000-0000-gggg-8000-000000000001',
      '00000000-0000-4000-8-000000000001',
      '00000000-0000-4000-gggg-000000000001',
      '00000000-0000-4000-8000-1',
      '00000000-0000-4000-8000-gggggggggggg',
    ];
    for (const ref of refs) {
      const byId = connector('by-id', ref);
      const byName = connector(ref);
      const shown = planAgents(listing(agent('x', [tool(ref)])), [byId, byName], ids(byId, byName));
      expect(
        shown.used_by.map((u) => u.id),
        ref,
      ).toEqual([byName.id]);
    }
  });
});

describe('agentRefusals', () => {
  const wiki = connector('wiki');
  const docs = connector('docs');
  const agents = listing(
    agent('bot', [tool('wiki'), tool(docs.id)]),
    agent('helper', [tool('wiki')]),
    agent('old', [tool(docs.id)], { version: 1, latest: false, aliases: ['prod'] }),
  );

  it('refuses a delete or replace of a used connector, naming the agents and the flag', () => {
    expect(agentRefusals([op('delete', wiki), op('replace', docs)], agents, [wiki, docs])).toEqual([
      {
        code: 'breaks-agents',
        message: 'deleting wiki leaves the agents bot, helper without its tools',
        flag: '--allow-breaking-agents',
        names: ['wiki'],
      },
      {
        code: 'breaks-agents',
        message: 'replacing docs leaves the agents bot, old (alias prod, v1) without its tools',
        flag: '--allow-breaking-agents',
        names: ['docs'],
      },
    ]);
  });

  it('refuses a rename only for the agents that name the connector, in the singular for one', () => {
    const single = listing(agent('bot', [tool('wiki'), tool(docs.id)]));
    const renames = [
      op('update', wiki, { name: 'wiki2', renamed_from: 'wiki' }),
      op('update', docs, { name: 'docs2', renamed_from: 'docs' }),
    ];
    expect(agentRefusals(renames, single, [wiki, docs])).toEqual([
      {
        code: 'breaks-agents',
        message: `renaming wiki to wiki2 breaks the agent bot, which reference it by its old name: update them first (or make them reference its id, ${wiki.id})`,
        flag: '--allow-breaking-agents',
        names: ['wiki2'],
      },
    ]);
  });

  it('lets a delete of a connector no agent uses, a plain update and a create through', () => {
    const lone = connector('lone');
    const ops = [op('delete', lone), op('update', wiki), op('create', null, { renamed_from: 'gone' })];
    expect(agentRefusals(ops, agents, [wiki, docs, lone])).toEqual([]);
    expect(agentRefusals(ops.slice(1), { agents: [], complete: false }, [wiki])).toEqual([]);
  });

  it('refuses every delete, replace and rename when the agents could not all be read', () => {
    const ops = [
      op('delete', wiki),
      op('update', docs, { name: 'd2', renamed_from: 'docs' }),
      op('update', docs),
    ];
    expect(agentRefusals(ops, { agents: [], complete: false }, [wiki, docs])).toEqual([
      {
        code: 'agents-unreadable',
        message:
          'the agents that use connectors could not all be read (unknown reason), so deleting, replacing or renaming is unsafe',
        flag: '--allow-breaking-agents',
        names: ['wiki', 'd2'],
      },
    ]);
    const [refusal] = agentRefusals(ops, { agents: [], complete: false, incompleteReason: 'HTTP 500' }, [
      wiki,
    ]);
    expect(refusal!.message).toContain('could not all be read (HTTP 500), so');
  });
});

describe('tools an agent configures', () => {
  const wiki = connector('wiki');
  const docs = connector('docs');
  const plain = connector('plain');

  it('warns about a tool the connector does not expose, per list, and not for unconfigured ones', () => {
    const agents = listing(
      agent('bot', [
        tool('wiki', { include: ['search', 'gone'], exclude: ['old'], requires_confirmation: ['write'] }),
        tool('plain'),
        tool('docs', { include: ['read'] }),
      ]),
    );
    const tools = new Map([
      [wiki.id, ['search', 'write']],
      [plain.id, []],
    ]);
    expect(unknownToolWarnings(agents, [wiki, docs, plain], tools)).toEqual([
      {
        code: 'agent-unknown-tool',
        name: 'wiki',
        message:
          'agent bot names the tool "gone" in tool_configuration.include of wiki, which does not expose it',
      },
      {
        code: 'agent-unknown-tool',
        name: 'wiki',
        message:
          'agent bot names the tool "old" in tool_configuration.exclude of wiki, which does not expose it',
      },
    ]);
  });

  it('asks for the tools only of connectors some agent configures a non-empty list for', () => {
    const agents = listing(
      agent('bot', [tool('wiki', { exclude: ['x'] }), tool('plain'), tool('docs', { include: [] })]),
      agent('other', [tool('docs'), tool('plain', { requires_confirmation: ['y'] })]),
    );
    expect(configuredConnectorIds(agents, [wiki, docs, plain])).toEqual([wiki.id, plain.id]);
    expect(
      configuredConnectorIds(listing(agent('a', [tool('docs', { include: ['z'] })])), [wiki, docs]),
    ).toEqual([docs.id]);
  });
});
