import type { Logger } from 'pino';
import type { ConnectorsApi } from '../api/types.js';
import type { Settings } from '../config/settings.js';
import type { ConfigIssue, LoadResult } from '../config/types.js';
import { isConnectorSyncError } from '../errors.js';
import type { ToolLock } from '../probe/lock.js';
import type { SecretLedger } from '../reconcile/ledger.js';
import { type RunReport, type RunSettings, runOnce } from '../reconcile/run-once.js';
import { buildRunSettings, type PlanFlags } from '../reconcile/run-settings.js';
import { heldOf, type RunMode, type TriggerReason } from './history.js';
import type { RunOutcome } from './loop.js';
import type { DaemonMetrics } from './metrics.js';
import type { DaemonStatus } from './status.js';

/**
 * Flags that hold for the daemon's whole life (the rest comes from settings, re-read every run);
 * --push-secrets is pushed by the first reconcile that applies, not by every one after it.
 */
export type DaemonPlanFlags = PlanFlags;

/** What a reconcile needs. */
export interface ReconcilerDeps {
  api: ConnectorsApi;
  /** The workspace identity the ledger is tied to. */
  apiUrl: string;
  openLedger: () => Promise<SecretLedger>;
  loadToolLock?: () => Promise<ToolLock | null>;
  /** Reads the desired state under the settings of this run (their policy). */
  loadDesired: (settings: Settings) => Promise<LoadResult>;
  /** Reads the settings again (file, environment, flags). */
  loadSettings: () => Promise<Settings>;
  flags: DaemonPlanFlags;
  status: DaemonStatus;
  metrics: DaemonMetrics;
  logger: Logger;
  now: () => Date;
  /** Aborted at shutdown: no new write starts, those in flight finish. */
  signal: AbortSignal;
  /** Called with settings that were read successfully (the schedule may have changed). */
  onSettings?: (settings: Settings) => void;
  /** Called after each reconcile with its report and, when the desired state was invalid, its issues. */
  onRun?: (report: RunReport, invalid: ConfigIssue[] | null, settings: Settings) => void;
}

/** Error codes that say "the API or the network is having a bad time": retried with backoff. */
const TRANSIENT = new Set([
  'API_NETWORK',
  'API_TIMEOUT',
  'API_SERVER',
  'API_RATE_LIMITED',
  'LISTING_INCOMPLETE',
]);

/**
 * Builds the loop's run function around runOnce: re-reads the settings, decides the mode (apply,
 * read-only, suspended), keeps the last good desired state when a new one is invalid, and feeds the
 * report to the status, the metrics and the log.
 */
export function createReconciler(
  deps: ReconcilerDeps,
  initialSettings: Settings,
): (reasons: TriggerReason[]) => Promise<RunOutcome> {
  let settings = initialSettings;
  let lastGood: LoadResult | null = null;
  let lastIssues = '';
  let pushSecrets = deps.flags.pushSecrets;

  const readSettings = async () => {
    try {
      const next = await deps.loadSettings();
      deps.onSettings?.(next);
      settings = next;
      deps.status.recordSettingsIssue(null);
    } catch (error) {
      if (!isConnectorSyncError(error)) throw error;
      deps.metrics.observeConfigError();
      deps.status.recordSettingsIssue(settingsIssue(error.message, settings.file));
      deps.logger.warn({ err: { code: error.code, message: error.message } }, 'settings ignored');
    }
  };

  return async (reasons) => {
    await readSettings();
    deps.status.setSuspension({ setting: settings.suspend });
    deps.status.setReadOnly(settings.readOnly);
    const mode: RunMode = settings.readOnly ? 'read-only' : deps.status.suspended ? 'suspended' : 'apply';
    deps.status.runStarted(reasons);
    let usedLastGood = false;
    let invalid: ConfigIssue[] | null = null;

    const loadDesired = async (): Promise<LoadResult> => {
      const loaded = await deps.loadDesired(settings);
      if (loaded.ok) {
        lastGood = loaded;
        lastIssues = '';
        deps.status.recordLoad(loaded, false);
        return loaded;
      }
      deps.metrics.observeConfigError();
      invalid = loaded.issues;
      deps.status.recordLoad(loaded, lastGood !== null);
      logIssues(deps.logger, loaded.issues, lastGood !== null, lastIssues);
      lastIssues = JSON.stringify(loaded.issues);
      if (lastGood === null) return loaded;
      usedLastGood = true;
      return lastGood;
    };

    deps.logger.debug({ reasons, mode }, 'reconcile started');
    const report = await runOnce(
      {
        loadDesired,
        api: deps.api,
        apiUrl: deps.apiUrl,
        openLedger: deps.openLedger,
        ...(deps.loadToolLock ? { loadToolLock: deps.loadToolLock } : {}),
        now: deps.now,
      },
      reconcileRunSettings(settings, { ...deps.flags, pushSecrets }, mode, deps.signal, deps.logger),
    );
    if (report.phase === 'Applied') pushSecrets = [];
    deps.status.recordRun(report, { reasons, mode, usedLastGood });
    deps.metrics.observeRun(report);
    logReport(deps.logger, report, reasons, mode);
    deps.onRun?.(report, invalid, settings);
    return { retry: shouldRetry(report) };
  };
}

/** The settings of one reconcile: the one builder `sync` uses too, driven by the daemon's mode. */
export function reconcileRunSettings(
  settings: Settings,
  flags: PlanFlags,
  mode: RunMode,
  signal: AbortSignal,
  logger: Logger,
): RunSettings {
  return buildRunSettings(settings, flags, {
    dryRun: mode !== 'apply',
    // the status page fetches a fresh link when someone clicks it; a stored one would expire
    authUrls: false,
    pushUnrecorded: true,
    signal,
    onResult: (result) => logResult(logger, result),
  });
}

function logResult(logger: Logger, result: Parameters<NonNullable<RunSettings['onResult']>>[0]): void {
  const fields = {
    operation: result.operation.kind,
    connector: result.operation.name,
    status: result.status,
  };
  if (result.status === 'failed')
    logger.error(
      { ...fields, err: { code: result.cause?.code, message: result.cause?.message } },
      'operation failed',
    );
  else logger.info({ ...fields, note: result.note }, `${result.operation.kind} ${result.status}`);
}

/** A transient API failure is retried with backoff; a refusal or an invalid file waits for a person. */
function shouldRetry(report: RunReport): boolean {
  // an overrun is retried after a backoff too: the next run may be quicker, and its own budget bounds it
  if (report.phase === 'ListFailed' || report.phase === 'TimedOut') return true;
  if (report.phase === 'Failed') return report.error !== null && isTransient(report.error);
  if (report.phase === 'ApplyFailed')
    return (report.apply?.results ?? []).some((r) => r.cause !== undefined && isTransient(r.cause));
  return false;
}

function isTransient(error: { code: string; retryable: boolean }): boolean {
  return error.retryable || TRANSIENT.has(error.code);
}

function logIssues(logger: Logger, issues: ConfigIssue[], keptLastGood: boolean, previous: string): void {
  // the same broken file on every scheduled run is said once at warn, then at debug
  const level = JSON.stringify(issues) === previous ? 'debug' : 'warn';
  logger[level](
    {
      issues: issues.map((issue) => ({
        file: issue.location.file,
        line: issue.location.line,
        column: issue.location.column,
        code: issue.code,
        message: issue.message,
      })),
    },
    keptLastGood
      ? 'the desired state is invalid: ignored, reconciling the last good one (nothing is deleted)'
      : 'the desired state is invalid: nothing is reconciled until it is fixed',
  );
}

function logReport(logger: Logger, report: RunReport, reasons: TriggerReason[], mode: RunMode): void {
  const operations = report.plan?.operations.filter((op) => !op.temporary) ?? [];
  const fields = {
    phase: report.phase,
    reasons,
    mode,
    durationMs: Date.parse(report.finishedAt) - Date.parse(report.startedAt),
    desired: report.desired.length,
    planned: operations.length,
    applied: report.apply?.results.filter((r) => r.status === 'applied').length ?? 0,
    failed: report.apply?.failed ?? 0,
    pendingAuth: report.pendingAuth.map((entry) => entry.name),
    refusals: report.plan?.refusals.map((r) => `${r.message} (${r.flag})`) ?? [],
    held: heldOf(report).map((h) => h.message),
    ...(report.error ? { err: { code: report.error.code, message: report.error.message } } : {}),
  };
  // ConfigInvalid was logged with its issues already; Interrupted is what a shutdown does
  const level = ['Applied', 'Planned', 'ConfigInvalid'].includes(report.phase)
    ? fields.held.length > 0
      ? 'warn'
      : 'info'
    : report.phase === 'Interrupted'
      ? 'warn'
      : 'error';
  logger[level](fields, `reconcile ${report.phase}`);
}

/** A settings error as an issue with a place, when its message names one (`file:line:column: ...`). */
function settingsIssue(message: string, file: string | undefined): ConfigIssue {
  const place = /(\S+?):(\d+):(\d+): /.exec(message);
  return {
    code: 'settings-invalid',
    severity: 'error',
    message,
    location: place
      ? { file: place[1]!, line: Number(place[2]), column: Number(place[3]) }
      : { file: file ?? '.connector-sync.yaml', line: 0, column: 0 },
  };
}
