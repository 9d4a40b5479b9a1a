import type { ConfigIssue, LoadResult } from '../config/types.js';
import type { CredentialState, ToolDriftCheck } from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import { credentialJson, heldBack, isSuccess, reportToJson, toolDriftJson } from '../render/report-json.js';
import { type ConnectorState, type ConnectorView, connectorsAfter } from './connectors.js';
import { type ReconcileRecord, type RunMode, recordOf, type TriggerReason } from './history.js';
import { type CredentialGaugeState, credentialGaugeState, type GaugeSnapshot } from './metrics.js';

/** Who suspended the daemon: the control endpoint, the `suspend` setting, or both. */
export interface Suspension {
  control: boolean;
  setting: boolean;
}

/** What /status.json serves and the status page renders. Never holds a secret value. */
export interface StatusView {
  version: 1;
  tool: { name: 'connector-sync'; version: string };
  started_at: string;
  ready: boolean;
  /** Why the daemon is not ready, in sentences. */
  not_ready: string[];
  mode: RunMode;
  read_only: boolean;
  suspended: Suspension & { since: string | null };
  /**
   * `reachable`: the last listing succeeded. When it did not, `problem` says whether the API could not
   * be reached, rejected the key (401/403), or answered another error; `hint` says what to do.
   */
  api: {
    url: string;
    reachable: boolean | null;
    last_error: string | null;
    problem: ApiProblem | null;
    hint: string | null;
  };
  schedule: { pattern: string | null; next_run_at: string | null };
  running: { since: string; reasons: TriggerReason[] } | null;
  last_success_at: string | null;
  config: {
    valid: boolean | null;
    checked_at: string | null;
    /** True while an invalid desired state is ignored and the last good one is reconciled. */
    using_last_good: boolean;
    last_good_at: string | null;
    files: string[];
    issues: ConfigIssue[];
    warnings: ConfigIssue[];
  };
  connectors: ConnectorView[];
  pending_auth: Array<{ name: string; auth_path: string }>;
  /** Each desired connector's connection credentials and the status the API reports for them. */
  credentials: Array<ReturnType<typeof credentialJson>>;
  /** Declared connectors whose tools differ from connector-sync.lock.yaml (or could not be checked). */
  tool_drift: Array<ReturnType<typeof toolDriftJson>>;
  history: ReconcileRecord[];
  /** Webhook messages (notify:): how many went out, how many were given up on, and the last failure. */
  notifications: {
    delivered: number;
    failed: number;
    last_failure: { at: string; webhook: number; event: string; reason: string } | null;
  };
  /** The last reconcile in the format of `connector-sync sync --output json`. */
  last_report: ReturnType<typeof reportToJson> | null;
}

/** Why the last listing failed: no answer, a rejected key, or another error the API answered. */
export type ApiProblem = 'unreachable' | 'key_rejected' | 'error';

/** The key is read once, at start: a new one takes a restart. */
const KEY_REJECTED_HINT =
  'set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE, then restart the daemon (it reads the key at start)';

/** Fixed facts the status shows. */
export interface StatusOptions {
  now: () => Date;
  apiUrl: string;
  toolVersion: string;
  /** Read-only from the flag at start; the `read_only` setting may change it (setReadOnly). */
  readOnly: boolean;
  /** Reconciles kept in the history (default 20). */
  historyLimit?: number;
}

/**
 * The daemon's state as people and probes see it: a model fed by load results and RunReports, with
 * a bounded history, so it is tested without HTTP and the server only renders it.
 */
export class DaemonStatus {
  readonly #options: StatusOptions;
  readonly #startedAt: string;
  #history: ReconcileRecord[] = [];
  #nextId = 1;
  #connectors: ConnectorView[] = [];
  #pendingAuth = new Map<string, string>();
  #credentials: CredentialState[] = [];
  #toolDrift: ToolDriftCheck[] = [];
  /** Held warnings of the last reconcile that planned. */
  #heldBack = 0;
  #lastReport: RunReport | null = null;
  #lastDesiredCount = 0;
  #lastSuccessAt: string | null = null;
  #config: StatusView['config'] = {
    valid: null,
    checked_at: null,
    using_last_good: false,
    last_good_at: null,
    files: [],
    issues: [],
    warnings: [],
  };
  #settingsIssue: ConfigIssue | null = null;
  #api: StatusView['api'];
  #suspension: Suspension = { control: false, setting: false };
  #suspendedSince: string | null = null;
  #running: StatusView['running'] = null;
  #schedule: StatusView['schedule'] = { pattern: null, next_run_at: null };
  #readOnly: boolean;
  #notifications: StatusView['notifications'] = { delivered: 0, failed: 0, last_failure: null };

  constructor(options: StatusOptions) {
    this.#options = options;
    this.#readOnly = options.readOnly;
    this.#startedAt = options.now().toISOString();
    this.#api = { url: options.apiUrl, reachable: null, last_error: null, problem: null, hint: null };
  }

  /** Notes what loading the desired state found; `usingLastGood` when it was invalid and ignored. */
  recordLoad(result: LoadResult, usingLastGood: boolean): void {
    const at = this.#options.now().toISOString();
    this.#config = {
      ...this.#config,
      valid: result.ok,
      checked_at: at,
      using_last_good: usingLastGood,
      files: result.ok ? result.state.files : (result.files ?? this.#config.files),
      issues: result.ok ? [] : result.issues,
      warnings: result.warnings,
      ...(result.ok ? { last_good_at: at } : {}),
    };
  }

  /** Notes a settings file that could not be used (null once it can again). */
  recordSettingsIssue(issue: ConfigIssue | null): void {
    this.#settingsIssue = issue;
  }

  /** Marks a reconcile as started. */
  runStarted(reasons: TriggerReason[]): void {
    this.#running = { since: this.#options.now().toISOString(), reasons };
  }

  /** Takes in a finished reconcile and returns its history record. */
  recordRun(
    report: RunReport,
    context: { reasons: TriggerReason[]; mode: RunMode; usedLastGood: boolean },
  ): ReconcileRecord {
    this.#running = null;
    const record = recordOf(this.#nextId++, report, context);
    this.#history = [record, ...this.#history].slice(0, this.#options.historyLimit ?? 20);
    // the page shows how many connectors were desired, not them: holding them would keep the
    // whole desired state (and its files' text) alive through the next reconcile's load
    this.#lastReport = { ...report, desired: [] };
    this.#lastDesiredCount = report.desired.length;
    // a run that held connectors back did not succeed, whatever its phase
    if (isSuccess(report)) this.#lastSuccessAt = report.finishedAt;
    this.#connectors = connectorsAfter(report, this.#connectors);
    if (report.plan !== null) {
      this.#pendingAuth = new Map(report.pendingAuth.map((p) => [p.name, p.id]));
      this.#credentials = report.credentials;
      this.#toolDrift = report.toolDrift.filter((check) => check.status !== 'ok');
      this.#heldBack = heldBack(report.plan);
    }
    if (report.listing !== null)
      this.#api = { ...this.#api, reachable: true, last_error: null, problem: null, hint: null };
    else if (report.error?.code.startsWith('API_') || report.phase === 'ListFailed') {
      const problem = apiProblem(report.error?.code);
      this.#api = {
        ...this.#api,
        reachable: false,
        last_error: report.error?.message ?? report.phase,
        problem,
        hint: report.error?.hint ?? (problem === 'key_rejected' ? KEY_REJECTED_HINT : null),
      };
    }
    return record;
  }

  /** Sets who holds the daemon suspended. */
  setSuspension(next: Partial<Suspension>): void {
    const was = this.suspended;
    this.#suspension = { ...this.#suspension, ...next };
    if (!was && this.suspended) this.#suspendedSince = this.#options.now().toISOString();
    if (!this.suspended) this.#suspendedSince = null;
  }

  /** Shows the schedule in use and its next run. */
  setSchedule(pattern: string | null, next: Date | null): void {
    this.#schedule = { pattern, next_run_at: next?.toISOString() ?? null };
  }

  /** Read-only (only plans) or not, as the flag and the re-read `read_only` setting say. */
  setReadOnly(readOnly: boolean): void {
    this.#readOnly = readOnly;
  }

  /** True while suspended by the endpoint or the setting. */
  get suspended(): boolean {
    return this.#suspension.control || this.#suspension.setting;
  }

  /** Who holds the daemon suspended. */
  get suspension(): Suspension {
    return { ...this.#suspension };
  }

  /** The connector's id when it is waiting for auth (what /auth/<name> may fetch a link for). */
  pendingAuthId(name: string): string | undefined {
    return this.#pendingAuth.get(name);
  }

  /** Ready once a valid desired state was loaded and the API answered the last listing. */
  readiness(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (this.#config.last_good_at === null)
      reasons.push(
        this.#config.valid === false
          ? 'the desired state is invalid and no valid one was loaded yet'
          : 'the desired state is not loaded yet',
      );
    if (this.#api.reachable !== true)
      reasons.push(
        this.#api.reachable === false
          ? `${API_PROBLEM_WORDS[this.#api.problem ?? 'unreachable']}: ${this.#api.last_error ?? 'unknown error'}`
          : 'the API has not been reached yet',
      );
    return { ready: reasons.length === 0, reasons };
  }

  /** The numbers /metrics reads at each scrape (cheap: no report rendering). */
  gauges(): GaugeSnapshot {
    const connectorsByState: Record<ConnectorState, number> = {
      'in-sync': 0,
      unverified: 0,
      drift: 0,
      failed: 0,
      orphan: 0,
      untouched: 0,
      held: 0,
    };
    for (const connector of this.#connectors) connectorsByState[connector.state] += 1;
    const credentialsByState: Record<CredentialGaugeState, number> = {
      valid: 0,
      invalid: 0,
      error: 0,
      unknown: 0,
      other: 0,
    };
    for (const credential of this.#credentials)
      credentialsByState[credentialGaugeState(credential.status)] += 1;
    return {
      connectorsByState,
      pendingAuth: this.#pendingAuth.size,
      credentialsByState,
      heldBack: this.#heldBack,
      toolDrift: this.#toolDrift.filter((check) => check.status === 'drift').length,
      ready: this.readiness().ready,
      suspended: this.suspended,
      configValid: this.#settingsIssue ? false : this.#config.valid,
      lastSuccess: this.#lastSuccessAt === null ? null : Date.parse(this.#lastSuccessAt) / 1000,
    };
  }

  /** The whole status as plain data. */
  /** A webhook message delivered or given up on (its URL is a secret and is never kept). */
  recordNotification(outcome: {
    result: 'delivered' | 'failed';
    webhook: number;
    event: string;
    reason?: string;
  }): void {
    if (outcome.result === 'delivered') {
      this.#notifications.delivered++;
      return;
    }
    this.#notifications.failed++;
    this.#notifications.last_failure = {
      at: this.#options.now().toISOString(),
      webhook: outcome.webhook,
      event: outcome.event,
      reason: outcome.reason ?? 'failed',
    };
  }

  view(): StatusView {
    const readiness = this.readiness();
    const mode: RunMode = this.#readOnly ? 'read-only' : this.suspended ? 'suspended' : 'apply';
    const issues = this.#settingsIssue ? [this.#settingsIssue, ...this.#config.issues] : this.#config.issues;
    return {
      version: 1,
      tool: { name: 'connector-sync', version: this.#options.toolVersion },
      started_at: this.#startedAt,
      ready: readiness.ready,
      not_ready: readiness.reasons,
      mode,
      read_only: this.#readOnly,
      suspended: { ...this.#suspension, since: this.#suspendedSince },
      api: { ...this.#api },
      schedule: { ...this.#schedule },
      running: this.#running,
      last_success_at: this.#lastSuccessAt,
      config: {
        ...this.#config,
        valid: this.#settingsIssue ? false : this.#config.valid,
        issues,
      },
      connectors: this.#connectors,
      pending_auth: [...this.#pendingAuth.keys()].sort().map((name) => ({
        name,
        auth_path: `/auth/${encodeURIComponent(name)}`,
      })),
      credentials: this.#credentials.map(credentialJson),
      tool_drift: this.#toolDrift.map(toolDriftJson),
      history: this.#history,
      notifications: { ...this.#notifications },
      last_report: this.#lastReport
        ? {
            ...reportToJson(this.#lastReport, {
              apiUrl: this.#options.apiUrl,
              toolVersion: this.#options.toolVersion,
              command: 'daemon',
            }),
            desired: { count: this.#lastDesiredCount },
          }
        : null,
    };
  }
}

/** A failed listing: only a network error or a timeout means the API could not be reached. */
function apiProblem(code: string | undefined): ApiProblem {
  if (code === 'API_UNAUTHORIZED') return 'key_rejected';
  if (code === undefined || code === 'API_NETWORK' || code === 'API_TIMEOUT') return 'unreachable';
  return 'error';
}

const API_PROBLEM_WORDS: Record<ApiProblem, string> = {
  unreachable: 'the API is unreachable',
  key_rejected: 'the API rejected the key',
  error: 'the API answered the listing with an error',
};
