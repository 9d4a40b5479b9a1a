/**
 * The in-memory Connectors API emulator: `connector-sync emulator`, the fixture of end-to-end
 * tests and the ground for benchmarks. Start it with `startEmulator`; everything a test needs to
 * aim faults and check what happened is on the returned RunningEmulator.
 */
import { ConnectorSyncError, UsageError } from '../errors.js';
import { checkSeedAgents, type SeedAgent } from './agents.js';
import { EmulatorCore } from './core.js';
import { checkFaultSettings, type FaultSettings } from './faults.js';
import { loadState, StateWriter } from './persist.js';
import { builtinConnectors, checkSeed, loadSeedFile, recordFromSeed } from './seed.js';
import { listen } from './server.js';
import type {
  ConnectorRecord,
  ConsumerScope,
  CredentialStatus,
  EmulatorStats,
  RequestLogEntry,
  SeedConnector,
} from './types.js';

export type { SeedAgent } from './agents.js';
export type { FaultKind, FaultRule, FaultSettings } from './faults.js';
export { FAULT_KINDS, seededRandom } from './faults.js';
export type {
  ConnectorRecord,
  ConsumerScope,
  CredentialStatus,
  EmulatorStats,
  McpTool,
  RequestLogEntry,
  SeedConnector,
  StoredAuthMethod,
  StoredCredential,
} from './types.js';

/** How to start the emulator. Every field is optional. */
export interface EmulatorOptions {
  /** Default 127.0.0.1 (loopback only). */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Accept only this bearer key; by default any non-empty key. */
  apiKey?: string;
  /** Connectors to start with, or the path of a YAML/JSON seed file. */
  seed?: SeedConnector[] | string;
  /** Keep state in this JSON file: loaded at start when it exists, rewritten after every change. */
  statePath?: string;
  /** Agents to serve (read only), referencing connectors by name or UUID. */
  agents?: SeedAgent[];
  /** `forbidden`: the agents routes answer 403, as for a key without access to agents. */
  agentsAccess?: 'all' | 'forbidden';
  /** Include Mistral's read-only built-in connectors (default true). */
  builtins?: boolean;
  /**
   * Let seed connectors share a name, as a listing can show after an old bug or a migration
   * (default false). Creates and renames still need a free name.
   */
  duplicateNames?: boolean;
  /**
   * How a PATCH's `auth_methods` entry treats the fields it omits: `replace` (the default) resets
   * them, `merge` keeps what the connector had. The spec does not say; clients must work with both.
   */
  authMethodsUpdate?: 'replace' | 'merge';
  /**
   * The API key's connector access scope: `all` (the default, "Private and shared connectors") or
   * `shared_only` ("Shared connectors only": list and get hide private connectors; create still 201).
   */
  keyScope?: 'all' | 'shared_only';
  /** False: the caller is no organization admin, so shared_org creates and writes answer 403 (default true). */
  orgAdmin?: boolean;
  /** Latency, errors, rate limit and aimed fault rules from the start. */
  faults?: Partial<FaultSettings>;
  /** TTL announced with auth URLs, in seconds (default 600). */
  authUrlTtlSeconds?: number;
  /** The clock, in epoch milliseconds (default Date.now). */
  now?: () => number;
  /** Random source in [0, 1) for jitter and fault rates (default Math.random; see seededRandom). */
  random?: () => number;
  /** How to wait (latency, slow bodies); default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Requests kept in the log (default 10,000). */
  requestLogLimit?: number;
}

/** Direct access to the state, for tests: copies out, checked seed entries in. */
export interface EmulatorStoreAccess {
  /** Every connector in listing order, write-only fields included (copies). */
  list(): ConnectorRecord[];
  /** A connector by UUID or name (a copy), or undefined. */
  get(idOrName: string): ConnectorRecord | undefined;
  /** Adds connectors as a seed file would; throws on invalid entries or taken names. */
  insert(entries: SeedConnector | SeedConnector[]): ConnectorRecord[];
  readonly size: number;
}

/** A running emulator. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`, the base URL for clients. */
  readonly url: string;
  readonly port: number;
  /** API requests answered so far (control endpoints excluded), oldest first. */
  readonly requestLog: readonly RequestLogEntry[];
  readonly stats: EmulatorStats;
  readonly store: EmulatorStoreAccess;
  /** The current fault settings. */
  readonly faults: FaultSettings;
  /** Merges fault settings (`rules`, when given, replaces the rules); throws on invalid settings. */
  setFaults(partial: Partial<FaultSettings>): void;
  /** Marks an OAuth connector authenticated (or not), as a person finishing the flow would. */
  markAuthenticated(idOrName: string, authenticated?: boolean): void;
  /**
   * Sets the health the API reports in `connection_credentials`: of the credential `{scope, name}`,
   * or of the OAuth grant when `target` is left out (e.g. `{status_type: 'error', error_message: 'oauth expired'}`).
   */
  setCredentialStatus(
    idOrName: string,
    status: CredentialStatus | null,
    target?: { scope: ConsumerScope; name: string },
  ): void;
  /** Sets the tools a connector's MCP server exposes (null: derived from its URL again). */
  setTools(idOrName: string, tools: NonNullable<SeedConnector['tools']> | null): void;
  clearRequestLog(): void;
  /** Back to the starting state, no faults, empty log. */
  reset(): void;
  /** Resolves once the state file holds every change so far. */
  flush(): Promise<void>;
  /** Stops listening, drops open connections, writes the state file. */
  close(): Promise<void>;
}

function checkOptions(options: EmulatorOptions): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      `port ${options.port} is not a port number (0 to 65535)`,
      'use --port 0 to pick a free port',
    );
  }
  const ttl = options.authUrlTtlSeconds;
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl >= 1)) {
    throw new UsageError(`auth URL TTL ${ttl} must be a whole number of seconds, at least 1`);
  }
  if (options.apiKey !== undefined && options.apiKey.trim() === '') {
    throw new UsageError('the emulator API key is empty', 'leave --api-key out to accept any non-empty key');
  }
  if (options.authMethodsUpdate !== undefined && !['replace', 'merge'].includes(options.authMethodsUpdate)) {
    throw new UsageError(`auth methods update '${options.authMethodsUpdate}' must be replace or merge`);
  }
  if (options.keyScope !== undefined && !['all', 'shared_only'].includes(options.keyScope)) {
    throw new UsageError(`key scope '${options.keyScope}' must be all or shared_only`);
  }
  if (options.faults !== undefined) {
    const problems = checkFaultSettings(options.faults);
    if (problems.length > 0) throw new UsageError(`invalid fault settings: ${problems.join('; ')}`);
  }
}

/** The starting connectors: the state file when it exists, else built-ins and the seed. */
async function startingState(options: EmulatorOptions, nowMs: number): Promise<ConnectorRecord[]> {
  if (options.statePath !== undefined) {
    const saved = await loadState(options.statePath);
    if (saved !== null) return saved;
  }
  const records = options.builtins === false ? [] : builtinConnectors();
  const seedOptions = { duplicateNames: options.duplicateNames === true };
  const seeds =
    typeof options.seed === 'string'
      ? await loadSeedFile(options.seed, seedOptions)
      : options.seed === undefined
        ? []
        : checkSeed(options.seed, 'the seed option', seedOptions);
  const taken = new Set(records.map((record) => record.name));
  const base = nowMs - seeds.length;
  seeds.forEach((seed, index) => {
    if (taken.has(seed.name)) {
      throw new ConnectorSyncError(
        'SETTINGS_INVALID',
        `seed connectors[${index}].name: '${seed.name}' is the name of a Mistral built-in connector`,
        { hint: 'rename it, or start with --no-builtins' },
      );
    }
    records.push(recordFromSeed(seed, base + index + 1));
  });
  return records;
}

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const core = new EmulatorCore({
    now,
    random: options.random ?? Math.random,
    authUrlTtlSeconds: options.authUrlTtlSeconds ?? 600,
    ...(options.requestLogLimit === undefined ? {} : { requestLogLimit: options.requestLogLimit }),
    duplicateNames: options.duplicateNames === true,
    authMethodsUpdate: options.authMethodsUpdate ?? 'replace',
    access: { keyScope: options.keyScope ?? 'all', orgAdmin: options.orgAdmin ?? true },
  });
  const records = await startingState(options, now());
  const writer =
    options.statePath === undefined ? null : new StateWriter(options.statePath, () => core.store.snapshot());
  core.begin(records, writer);
  core.agents = {
    agents: checkSeedAgents(options.agents ?? [], 'the agents option'),
    access: options.agentsAccess ?? 'all',
  };
  if (options.faults) core.faults.update(options.faults);
  const host = options.host ?? '127.0.0.1';
  const server = await listen(core, { host, port: options.port ?? 0, apiKey: options.apiKey, sleep }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new UsageError(
          `port ${options.port} on ${host} is already in use`,
          'use --port 0 to pick a free port',
        );
      }
      throw new UsageError(
        `cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
        'check --host and --port',
      );
    },
  );
  return {
    url: server.url,
    port: server.port,
    get requestLog() {
      return core.log.entries;
    },
    get stats() {
      return core.log.stats(core.store.size);
    },
    get faults() {
      return core.faults.settings;
    },
    store: {
      list: () => core.store.list(),
      get: (idOrName) => {
        const record = core.store.find(idOrName);
        return record === undefined ? undefined : structuredClone(record);
      },
      insert: (entries) =>
        core
          .insert(Array.isArray(entries) ? entries : [entries], 'store.insert')
          .map((r) => structuredClone(r)),
      get size() {
        return core.store.size;
      },
    },
    setFaults: (partial) => core.faults.update(partial),
    markAuthenticated: (idOrName, authenticated = true) => {
      core.markAuthenticated(idOrName, authenticated);
    },
    setTools: (idOrName, tools) => {
      core.setTools(idOrName, tools);
    },
    setCredentialStatus: (idOrName, status, target) => {
      core.setCredentialStatus(idOrName, status, target ?? null);
    },
    clearRequestLog: () => core.log.clear(),
    reset: () => core.reset(),
    flush: () => core.flush(),
    close: async () => {
      await server.close();
      await core.flush();
    },
  };
}
