/**
 * The emulator without its socket: state, faults, OAuth flows, the request log and persistence,
 * plus the operations tests and the control endpoints use (reset, insert, authenticate, tools).
 */

import type { AgentState } from './agents.js';
import type { AuthMethodsUpdate } from './auth-methods.js';
import { FaultEngine } from './faults.js';
import { RequestLog } from './log.js';
import { OAuthFlows } from './oauth.js';
import type { StateWriter } from './persist.js';
import type { AccessOptions } from './routes.js';
import { checkCredentialStatus, checkSeed, recordFromSeed } from './seed.js';
import { ConnectorStore } from './store.js';
import { checkToolList, normalizeTools } from './tools.js';
import type { ConnectorRecord, ConsumerScope, CredentialStatus, SeedConnector } from './types.js';

/** How the core is built. */
export interface CoreOptions {
  now: () => number;
  random: () => number;
  authUrlTtlSeconds: number;
  requestLogLimit?: number;
  /** See StoreDeps.duplicateNames. */
  duplicateNames?: boolean;
  /** See StoreDeps.authMethodsUpdate. */
  authMethodsUpdate?: AuthMethodsUpdate;
  /** What the API key may see and do (default: every connector, an organization admin). */
  access?: Partial<AccessOptions>;
}

/** The emulator's state and controls. */
export class EmulatorCore {
  readonly store: ConnectorStore;
  readonly faults: FaultEngine;
  readonly oauth: OAuthFlows;
  readonly log: RequestLog;
  readonly now: () => number;
  readonly access: AccessOptions;
  /** The agents, seeded and read only. */
  agents: AgentState = { agents: [], access: 'all' };
  #initial: ConnectorRecord[] = [];
  #writer: StateWriter | null = null;

  constructor(options: CoreOptions) {
    this.now = options.now;
    this.access = { keyScope: options.access?.keyScope ?? 'all', orgAdmin: options.access?.orgAdmin ?? true };
    this.store = new ConnectorStore({
      now: options.now,
      onChange: () => this.#writer?.schedule(),
      duplicateNames: options.duplicateNames === true,
      authMethodsUpdate: options.authMethodsUpdate ?? 'replace',
    });
    this.faults = new FaultEngine(options.random, options.now);
    this.oauth = new OAuthFlows(options.now, options.authUrlTtlSeconds);
    this.log = new RequestLog(options.requestLogLimit);
  }

  /** Installs the starting state; `reset()` returns to it. */
  begin(records: ConnectorRecord[], writer: StateWriter | null): void {
    this.#writer = writer;
    this.#initial = structuredClone(records);
    this.store.replaceAll(structuredClone(records));
  }

  /** Back to the starting state, with no faults, no pending OAuth flows and an empty log. */
  reset(): void {
    this.store.replaceAll(structuredClone(this.#initial));
    this.faults.clear();
    this.oauth.clear();
    this.log.clear();
  }

  /** Checks seed entries and adds them, in order; throws SETTINGS_INVALID or on a taken name/id. */
  insert(entries: unknown, source: string): ConnectorRecord[] {
    const seeds = checkSeed(entries, source);
    for (const seed of seeds) {
      if (this.store.find(seed.name))
        throw new Error(`${source}: a connector named '${seed.name}' already exists`);
    }
    const base = this.now() - seeds.length;
    return seeds.map((seed: SeedConnector, index) => {
      const record = recordFromSeed(seed, base + index + 1);
      this.store.insert(record);
      return record;
    });
  }

  /** Marks a connector authenticated (or not), as a person finishing OAuth would. */
  markAuthenticated(idOrName: string, authenticated = true): ConnectorRecord {
    const record = this.store.markAuthenticated(idOrName, authenticated);
    if (!record) throw new Error(`no connector '${idOrName}'`);
    return record;
  }

  /** Sets the tools a connector's MCP server exposes (null: back to the ones derived from its URL). */
  setTools(idOrName: string, tools: unknown): ConnectorRecord {
    if (tools !== null) {
      const problems = checkToolList(tools, 'tools');
      if (problems.length > 0) throw new Error(problems.join('; '));
    }
    const normalized = tools === null ? null : normalizeTools(tools as Array<Record<string, unknown>>);
    const record = this.store.setServerTools(idOrName, normalized);
    if (!record) throw new Error(`no connector '${idOrName}'`);
    return record;
  }

  /** Sets the health shown for a credential, or for the OAuth grant when `target` is null. */
  setCredentialStatus(
    idOrName: string,
    status: unknown,
    target: { scope: ConsumerScope; name: string } | null,
  ): ConnectorRecord {
    const problem = checkCredentialStatus(status);
    if (problem) throw new Error(problem);
    const record = this.store.setCredentialStatus(idOrName, target, status as CredentialStatus | null);
    if (!record) {
      const what = target === null ? '' : ` with ${target.scope} credentials '${target.name}'`;
      throw new Error(`no connector '${idOrName}'${what}`);
    }
    return record;
  }

  /** Waits until the state file has every change (no-op without --state). */
  async flush(): Promise<void> {
    await this.#writer?.flush();
  }
}
