import type { CallOptions, ConnectorsApi } from '../api/types.js';
import { formatDuration } from '../config/duration.js';
import { ConnectorSyncError } from '../errors.js';

/**
 * The total time of one run. When it runs out its signal aborts: requests in flight are cut off
 * (their outcome may be unknown), no new request or write starts, and retry waits longer than
 * the time left are not slept. `abandoned` resolves a grace period later, so a run stuck in
 * something that cannot be aborted still ends and the daemon's loop never wedges.
 */
export interface RunBudget {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Milliseconds left. */
  remainingMs(): number;
  readonly expired: boolean;
  readonly abandoned: Promise<void>;
  dispose(): void;
}

/** Starts the clock of a run that may take `timeoutMs`. */
export function startBudget(timeoutMs: number): RunBudget {
  const endsAt = performance.now() + timeoutMs;
  const controller = new AbortController();
  const graceMs = Math.min(5_000, Math.max(100, timeoutMs / 10));
  let release = () => {};
  const abandoned = new Promise<void>((resolve) => {
    release = resolve;
  });
  const expire = setTimeout(() => controller.abort(runTimeoutError(timeoutMs)), timeoutMs);
  const abandon = setTimeout(release, timeoutMs + graceMs);
  expire.unref?.();
  abandon.unref?.();
  return {
    timeoutMs,
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    get expired() {
      return controller.signal.aborted;
    },
    abandoned,
    dispose() {
      clearTimeout(expire);
      clearTimeout(abandon);
    },
  };
}

/** The error a run that ran out of time ends with; `detail` says what it left undone. */
export function runTimeoutError(timeoutMs: number, detail = ''): ConnectorSyncError {
  return new ConnectorSyncError(
    'RUN_TIMEOUT',
    `the run did not finish within its time budget of ${formatDuration(timeoutMs)}${detail}`,
    {
      retryable: true,
      hint: 'raise --timeout (setting: timeout, or CONNECTOR_SYNC_TIMEOUT); running again converges',
    },
  );
}

/** The API as a run with this budget sees it: every call carries the budget's signal and deadline. */
export function withBudget(api: ConnectorsApi, budget: RunBudget): ConnectorsApi {
  const options = <T extends CallOptions>(given: T | undefined): T => {
    // nothing new starts once the time is up, a write least of all
    budget.signal.throwIfAborted();
    const signal = given?.signal ? AbortSignal.any([given.signal, budget.signal]) : budget.signal;
    const own = given?.remainingMs;
    const remainingMs = own ? () => Math.min(own(), budget.remainingMs()) : budget.remainingMs;
    return { ...(given as T), signal, remainingMs };
  };
  return {
    listConnectors: async (o) => api.listConnectors(options(o)),
    getConnector: async (id, o) => api.getConnector(id, options(o)),
    createConnector: async (body, o) => api.createConnector(body, options(o)),
    updateConnector: async (id, body, o) => api.updateConnector(id, body, options(o)),
    deleteConnector: async (id, o) => api.deleteConnector(id, options(o)),
    shareConnector: async (id, o) => api.shareConnector(id, options(o)),
    unshareConnector: async (id, o) => api.unshareConnector(id, options(o)),
    getAuthUrl: async (id, o) => api.getAuthUrl(id, options(o)),
    listTools: async (id, o) => api.listTools(id, options(o)),
    activateConnector: async (id, scope, o) => api.activateConnector(id, scope, options(o)),
    deactivateConnector: async (id, scope, o) => api.deactivateConnector(id, scope, options(o)),
    listCredentials: async (id, scope, o) => api.listCredentials(id, scope, options(o)),
    putCredentials: async (id, scope, body, o) => api.putCredentials(id, scope, body, options(o)),
    deleteCredentials: async (id, scope, name, o) => api.deleteCredentials(id, scope, name, options(o)),
    ...(api.listAgents ? { listAgents: async (o) => api.listAgents!(options(o)) } : {}),
    stats: () => api.stats(),
    close: () => api.close(),
  };
}
