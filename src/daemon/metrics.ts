import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ClientStats } from '../api/types.js';
import type { RunPhase, RunReport } from '../reconcile/run-once.js';
import type { OperationKind } from '../reconcile/types.js';
import type { ConnectorState } from './connectors.js';

/** What the gauges read at each scrape, from the daemon's status. */
export interface GaugeSnapshot {
  connectorsByState: Record<ConnectorState, number>;
  pendingAuth: number;
  /** Connection credentials of the desired connectors, by the status the API reports. */
  credentialsByState: Record<CredentialGaugeState, number>;
  /** Held warnings of the last reconcile that planned (ambiguous names, unfinished renames). */
  heldBack: number;
  /** Declared connectors whose tools differ from connector-sync.lock.yaml (one total: no per-connector label). */
  toolDrift: number;
  ready: boolean;
  suspended: boolean;
  configValid: boolean | null;
  /** Epoch seconds of the last successful reconcile, or null. */
  lastSuccess: number | null;
}

/**
 * The `state` label of connector_sync_credentials: the API's three statuses, `unknown` when it
 * reported none, and `other` for any word a newer API sends (a label never takes remote text).
 */
export type CredentialGaugeState = 'valid' | 'invalid' | 'error' | 'unknown' | 'other';

export function credentialGaugeState(status: string): CredentialGaugeState {
  return status === 'valid' || status === 'invalid' || status === 'error' || status === 'unknown'
    ? status
    : 'other';
}

const PHASES: RunPhase[] = [
  'ConfigInvalid',
  'ListFailed',
  'PlanStale',
  'PlanRefused',
  'Planned',
  'Applied',
  'ApplyFailed',
  'Interrupted',
  'TimedOut',
  'Failed',
];
const KINDS: OperationKind[] = ['create', 'update', 'rename', 'replace', 'delete'];

/**
 * The daemon's Prometheus metrics, in a Registry of their own (nothing global). Counters move with
 * each reconcile; API request counts are read from the client's counters at scrape time; gauges are
 * read from the status at scrape time. The `result` label is the run's phase (Flux-style reason).
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  readonly #reconciles: Counter<'result'>;
  readonly #duration: Histogram<'result'>;
  readonly #planned: Counter<'kind'>;
  readonly #applied: Counter<'kind' | 'status'>;
  readonly #configErrors: Counter;
  readonly #notifications: Counter<'result' | 'event'>;

  constructor(options: {
    apiStats: () => ClientStats;
    gauges: () => GaugeSnapshot;
    processMetrics?: boolean;
  }) {
    const registers = [this.registry];
    this.#reconciles = new Counter({
      name: 'connector_sync_reconciles_total',
      help: 'Reconciles run, by result (the phase they ended in)',
      labelNames: ['result'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'connector_sync_reconcile_duration_seconds',
      help: 'How long reconciles took, by result',
      labelNames: ['result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.#planned = new Counter({
      name: 'connector_sync_operations_planned_total',
      help: 'Operations planned, by kind (counted again by every reconcile that plans them)',
      labelNames: ['kind'],
      registers,
    });
    this.#applied = new Counter({
      name: 'connector_sync_operations_applied_total',
      help: 'Operations the applier ran, by kind and status (applied, failed, skipped)',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.#configErrors = new Counter({
      name: 'connector_sync_config_errors_total',
      help: 'Loads of the desired state or the settings that were invalid and ignored',
      registers,
    });
    this.#notifications = new Counter({
      name: 'connector_sync_notifications_total',
      help: 'Webhook messages (notify:) by result (delivered, or failed after its retries) and event',
      labelNames: ['result', 'event'],
      registers,
    });
    for (const result of PHASES) this.#reconciles.inc({ result }, 0);
    for (const kind of KINDS) this.#planned.inc({ kind }, 0);
    this.#apiCounters(options.apiStats);
    this.#gauges(options.gauges);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts a finished reconcile. */
  observeRun(report: RunReport): void {
    const result = report.phase;
    this.#reconciles.inc({ result });
    const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
    this.#duration.observe({ result }, Math.max(0, seconds));
    for (const operation of report.plan?.operations ?? []) {
      if (!operation.temporary) this.#planned.inc({ kind: operation.kind });
    }
    for (const { operation, status } of report.apply?.results ?? []) {
      if (!operation.temporary) this.#applied.inc({ kind: operation.kind, status });
    }
  }

  /** Counts a webhook message delivered or given up on. */
  observeNotification(result: 'delivered' | 'failed', event: string): void {
    this.#notifications.inc({ result, event });
  }

  /** Counts an invalid desired state or settings file that was ignored. */
  observeConfigError(): void {
    this.#configErrors.inc();
  }

  /** The metrics in Prometheus text format. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The Content-Type of render()'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  #apiCounters(stats: () => ClientStats): void {
    // the client keeps running totals; each scrape adds what happened since the last one
    let seenByStatus: Record<string, number> = {};
    let seenRetries = 0;
    new Counter({
      name: 'connector_sync_api_requests_total',
      help: 'Requests sent to the Connectors API, by HTTP status (or network, timeout, aborted)',
      labelNames: ['status'],
      registers: [this.registry],
      collect() {
        const now = stats().requestsByStatus;
        for (const [status, count] of Object.entries(now))
          this.inc({ status }, count - (seenByStatus[status] ?? 0));
        seenByStatus = { ...now };
      },
    });
    new Counter({
      name: 'connector_sync_api_retries_total',
      help: 'Requests to the Connectors API that were retried (429, 5xx, network failures)',
      registers: [this.registry],
      collect() {
        const now = stats().retries;
        this.inc(now - seenRetries);
        seenRetries = now;
      },
    });
  }

  #gauges(read: () => GaugeSnapshot): void {
    const registers = [this.registry];
    // one snapshot per scrape, shared by every gauge's collect
    let snapshot: GaugeSnapshot | null = null;
    const current = () => {
      snapshot ??= read();
      queueMicrotask(() => {
        snapshot = null;
      });
      return snapshot;
    };
    new Gauge({
      name: 'connector_sync_connectors',
      help: 'Declared and orphaned connectors, by state after the last reconcile that saw the API',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, count] of Object.entries(current().connectorsByState)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'connector_sync_credentials',
      help: 'Connection credentials of the desired connectors, by the status the API reports (unknown: none reported)',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, count] of Object.entries(current().credentialsByState)) this.set({ state }, count);
      },
    });
    const simple = (name: string, help: string, value: (s: GaugeSnapshot) => number | null) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const v = value(current());
          if (v !== null) this.set(v);
        },
      });
    simple(
      'connector_sync_pending_auth',
      'Connectors waiting for someone to complete OAuth',
      (s) => s.pendingAuth,
    );
    simple(
      'connector_sync_held_back',
      'Connectors or names the last reconcile held back (no write) until a person resolves them',
      (s) => s.heldBack,
    );
    simple(
      'connector_sync_tool_drift',
      'Declared connectors whose MCP tools (as the API lists them, refreshed) differ from connector-sync.lock.yaml',
      (s) => s.toolDrift,
    );
    simple(
      'connector_sync_last_success_timestamp_seconds',
      'When the last reconcile succeeded (Unix time)',
      (s) => s.lastSuccess,
    );
    simple('connector_sync_ready', '1 when a valid desired state is loaded and the API answers', (s) =>
      s.ready ? 1 : 0,
    );
    simple('connector_sync_suspended', '1 while suspended (plans and reports, writes nothing)', (s) =>
      s.suspended ? 1 : 0,
    );
    simple(
      'connector_sync_config_valid',
      '1 when the desired state on disk is valid, 0 when it is ignored',
      (s) => (s.configValid === null ? null : s.configValid ? 1 : 0),
    );
  }
}
