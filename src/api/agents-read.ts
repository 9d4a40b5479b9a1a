import {
  type AgentListing,
  type AgentVersionRead,
  type AgentVersionUse,
  checkAgent,
  checkAgentPage,
  checkAliases,
  type RemoteAgent,
} from './agents.js';
import { type CursorPage, collectCursorPages } from './paging.js';
import type { ApiCall } from './transport.js';
import type { CallOptions } from './types.js';

/** Sends one checked call (the client's transport: its pacer, retries and deadlines). */
export type SendCall = <T>(call: ApiCall<T>, options?: CallOptions) => Promise<{ value: T | null }>;

/** Limits of one agents read. */
export interface AgentReadLimits {
  pageSize: number;
  maxPages: number;
  /**
   * Alias and version reads at most, beyond the list pages: one per agent with several versions,
   * one per older version an alias pins. Past it the listing is incomplete rather than slow.
   */
  maxExtraCalls: number;
  /** Alias and version reads in flight at once (all through the one pacer). */
  concurrency: number;
}

/**
 * Every agent the key can see, with the versions that count: the latest, and each version an
 * alias pins (an agent with one version has no other to pin, so costs no extra call). A broken
 * item or a limit makes the listing incomplete, with the cause, and the caller decides what that
 * may block; an API error is thrown as usual.
 */
export async function readAgents(
  send: SendCall,
  base: string,
  limits: AgentReadLimits,
  options?: CallOptions,
): Promise<AgentListing> {
  const pages = await collectCursorPages<AgentVersionRead>(
    async (cursor) => {
      const call: ApiCall<CursorPage<AgentVersionRead>> = {
        method: 'GET',
        path: `${base}/pages`,
        query: { page_size: limits.pageSize, page_token: cursor ?? undefined },
        safety: 'idempotent',
        check: checkAgentPage,
      };
      return (await send(call, options)).value!;
    },
    (agent) => `agent ${agent.id}`,
    limits.maxPages,
  );
  const broken = pages.invalid?.[0];
  if (broken) {
    const who = broken.name ?? broken.id ?? 'an agent';
    return incomplete(pages.items, `the API lists ${JSON.stringify(who)} unreadably (${broken.problem})`);
  }
  if (!pages.complete) return incomplete(pages.items, pages.incompleteReason ?? 'unknown reason');
  const versioned = pages.items.filter((agent) => agent.versions.length > 1);
  if (versioned.length > limits.maxExtraCalls) {
    return incomplete(
      pages.items,
      `${versioned.length} agents have several versions, more alias reads than the limit of ${limits.maxExtraCalls}`,
    );
  }
  const agentPath = (agent: AgentVersionRead) => `${base}/${encodeURIComponent(agent.id)}`;
  const aliases = new Map<string, Array<{ alias: string; version: number }>>();
  await inPool(versioned, limits.concurrency, async (agent) => {
    const call = { method: 'GET', path: `${agentPath(agent)}/aliases`, safety: 'idempotent' } as const;
    aliases.set(agent.id, (await send({ ...call, check: checkAliases }, options)).value!);
  });
  const pinned = versioned.flatMap((agent) =>
    [...new Set((aliases.get(agent.id) ?? []).map((a) => a.version))]
      .filter((version) => version !== agent.version)
      .map((version) => ({ agent, version })),
  );
  if (versioned.length + pinned.length > limits.maxExtraCalls) {
    return incomplete(
      pages.items,
      `aliases pin ${pinned.length} older agent versions, more reads than the limit of ${limits.maxExtraCalls}`,
    );
  }
  const older = new Map<string, AgentVersionRead>();
  await inPool(pinned, limits.concurrency, async ({ agent, version }) => {
    const path = `${agentPath(agent)}/versions/${version}`;
    const call = { method: 'GET', path, safety: 'idempotent' } as const;
    const check = (body: unknown) => checkAgent(body, `version ${version} of agent ${agent.name}`);
    older.set(`${agent.id} ${version}`, (await send({ ...call, check }, options)).value!);
  });
  const agents = pages.items.map((agent) => withVersions(agent, aliases.get(agent.id) ?? [], older));
  return { agents, complete: true };
}

function withVersions(
  latest: AgentVersionRead,
  aliases: ReadonlyArray<{ alias: string; version: number }>,
  older: ReadonlyMap<string, AgentVersionRead>,
): RemoteAgent {
  const pinning = (version: number) =>
    aliases
      .filter((a) => a.version === version)
      .map((a) => a.alias)
      .sort();
  const versions: AgentVersionUse[] = [
    {
      version: latest.version,
      latest: true,
      aliases: pinning(latest.version),
      connectors: latest.connectors,
    },
  ];
  for (const version of [...new Set(aliases.map((a) => a.version))].sort((a, b) => a - b)) {
    const read = older.get(`${latest.id} ${version}`);
    if (read && version !== latest.version)
      versions.push({ version, latest: false, aliases: pinning(version), connectors: read.connectors });
  }
  return { id: latest.id, name: latest.name, versions };
}

function incomplete(items: readonly AgentVersionRead[], reason: string): AgentListing {
  return {
    agents: items.map((agent) => withVersions(agent, [], new Map())),
    complete: false,
    incompleteReason: reason,
  };
}

async function inPool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
