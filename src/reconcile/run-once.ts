import type { ConnectorListing, ConnectorsApi, RemoteConnector } from '../api/types.js';
import type { ConfigIssue, DesiredConnector, LoadResult } from '../config/types.js';
import { asInternalError, type ConnectorSyncError, isConnectorSyncError } from '../errors.js';
import type { ToolLock } from '../probe/lock.js';
import { agentInputs, readAgents } from './agent-inputs.js';
import { type ApplyOptions, type ApplyResult, applyPlan } from './apply.js';
import { type RunBudget, runTimeoutError, startBudget, withBudget } from './budget.js';
import { fingerprintGroups, secretGroups } from './fingerprint.js';
import { forgetSettled, hiddenCreations, rememberCreated } from './key-scope.js';
import type { SecretLedger } from './ledger.js';
import { planChanges, type SecretKnowledge } from './plan.js';
import { readDeclaredCredentials } from './read-credentials.js';
import {
  authReport,
  type CredentialState,
  credentialReport,
  type PendingAuth,
  type ToolDriftCheck,
  type ToolsCheck,
  toolsReport,
} from './reports.js';
import { checkSavedPlan, type SavedPlan } from './saved-plan.js';
import type { Plan, PlanOptions, SecretGroup } from './types.js';

/**
 * Why a run ended where it did (Flux-style reasons): the CLI's exit code, the daemon's status and
 * its metrics all use these constants.
 */
export type RunPhase =
  | 'ConfigInvalid'
  | 'ListFailed'
  | 'PlanStale'
  | 'PlanRefused'
  | 'Planned'
  | 'Applied'
  | 'ApplyFailed'
  | 'Interrupted'
  | 'TimedOut'
  | 'Failed';

/** What a run needs from the outside world, passed in so the daemon and tests control it. */
export interface RunDependencies {
  loadDesired: () => Promise<LoadResult>;
  api: ConnectorsApi;
  apiUrl: string;
  /** The secret ledger; absent when no state folder is used. */
  openLedger?: () => Promise<SecretLedger>;
  /** The committed tool lock (null when there is none); read each run, so a new commit counts. */
  loadToolLock?: () => Promise<ToolLock | null>;
  now: () => Date;
}

/** How a run behaves, from flags and settings. */
export interface RunSettings {
  dryRun: boolean;
  plan: Omit<
    PlanOptions,
    'listingComplete' | 'listingIncompleteReason' | 'invalidRemote' | 'agents' | 'connectorTools'
  >;
  concurrency: number;
  authUrls: boolean;
  authReturnUrl?: string;
  /** Push write-only values the ledger has no record of (the daemon, whose ledger persists). */
  pushUnrecorded: boolean;
  /** Apply this reviewed plan instead of a new one, if the remote has not moved since. */
  savedPlan?: SavedPlan;
  /** Once aborted, no new write starts; those in flight finish (a shutdown, Ctrl-C). */
  signal?: AbortSignal;
  /** The run's total time (--timeout); past it, requests in flight are cut off too. */
  timeoutMs?: number;
  /** Called once the plan is made, just before its first write (to show it while it is applied). */
  onPlan?: (report: Readonly<RunReport>) => void;
  onResult?: ApplyOptions['onResult'];
}

/** Everything a run found and did; renderers turn it into text, JSON and Markdown. */
export interface RunReport {
  phase: RunPhase;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  issues: ConfigIssue[];
  warnings: ConfigIssue[];
  desired: DesiredConnector[];
  listing: { pages: number; complete: boolean; count: number } | null;
  plan: Plan | null;
  apply: ApplyResult | null;
  pendingAuth: PendingAuth[];
  /** Each desired connector's connection credentials and their status, as the API reports them. */
  credentials: CredentialState[];
  tools: ToolsCheck[];
  /** Per declared connector in the tool lock: its tools now (API, refreshed) against the lock. */
  toolDrift: ToolDriftCheck[];
  error: ConnectorSyncError | null;
}

/** One reconcile: load, list, plan, apply, report. Both `sync` and the daemon call it. */
export async function runOnce(deps: RunDependencies, settings: RunSettings): Promise<RunReport> {
  const report = emptyReport(settings.dryRun, deps.now());
  if (settings.timeoutMs === undefined) return runSteps(deps, settings, report);
  const budget = startBudget(settings.timeoutMs);
  try {
    const signal = settings.signal ? AbortSignal.any([settings.signal, budget.signal]) : budget.signal;
    const steps = runSteps({ ...deps, api: withBudget(deps.api, budget) }, { ...settings, signal }, report);
    // a step that ignores the abort is left behind: it can no longer reach the API
    const ended = await Promise.race([steps, budget.abandoned.then(() => null)]);
    return budget.expired ? timedOut(ended ?? { ...report }, budget, deps.now(), ended === null) : ended!;
  } finally {
    budget.dispose();
  }
}

async function runSteps(deps: RunDependencies, settings: RunSettings, report: RunReport): Promise<RunReport> {
  const finish = (phase: RunPhase, error: ConnectorSyncError | null = null) =>
    Object.assign(report, { phase, error, finishedAt: deps.now().toISOString() });
  try {
    const loaded = await deps.loadDesired();
    report.warnings = loaded.warnings;
    if (!loaded.ok) {
      report.issues = loaded.issues;
      return finish('ConfigInvalid');
    }
    report.desired = loaded.state.connectors;
    // an unreadable lock stops the run before the API is read: it is what a person reviewed
    const lock = (await deps.loadToolLock?.()) ?? null;

    // the ledger is read while the listing is on the wire: neither needs the other (so the
    // state folder and its key are created even when the listing then fails)
    const opening = deps.openLedger?.();
    opening?.catch(() => {}); // its error counts only once awaited, after a listing that worked
    // the agents are read beside the listing: a plan needs both, neither needs the other
    const readingAgents = readAgents(deps.api, settings.signal);
    readingAgents.catch(() => {}); // awaited only after a listing that worked
    const listing = await listOrFail(deps.api, settings.signal);
    if (!('items' in listing)) return finish('ListFailed', listing);
    report.listing = { pages: listing.pages, complete: listing.complete, count: listing.items.length };
    const agents = await agentInputs(deps.api, await readingAgents, listing.items, settings);

    const ledger = await opening;
    const secrets = secretKnowledge(report.desired, ledger, settings.pushUnrecorded);
    secrets.credentials = await readDeclaredCredentials(
      report.desired,
      listing.items,
      deps.api,
      settings.concurrency,
    );
    const options = { ...planOptions(settings, listing), ...agents };
    const fresh = planChanges(report.desired, listing.items, options, secrets);
    // a saved plan is a request to apply exactly `fresh`: what the file says is checked, never run
    if (settings.savedPlan)
      checkSavedPlan(settings.savedPlan, { fresh, desired: report.desired, apiUrl: deps.apiUrl });
    const plan = fresh;
    report.plan = plan;
    if (plan.refusals.length > 0) return finish('PlanRefused');
    const desiredByName = new Map(report.desired.map((d) => [d.name, d]));
    // before any write: a private connector this key created once and can no longer see
    if (ledger?.created) forgetSettled(ledger.created, listing.items);
    const hidden = ledger?.created && hiddenCreations(plan, desiredByName, listing.items, ledger.created);
    if (hidden) return finish('PlanRefused', hidden);

    const remoteByName = new Map(listing.items.map((r) => [r.name, r]));
    if (!settings.dryRun && plan.operations.length > 0) {
      const privateSeen = listing.items.some((r) => r.visibility === 'private');
      settings.onPlan?.(report);
      report.apply = await applyPlan(plan, desiredByName, deps.api, { ...settings, privateSeen });
      overlayResults(remoteByName, report.apply);
      if (ledger?.created) rememberCreated(ledger.created, report.apply.results, deps.now().toISOString());
      if (ledger) await recordPushedSecrets(ledger, report.apply, report.desired, secrets);
    }
    const reportOptions = { concurrency: settings.concurrency, now: deps.now };
    report.pendingAuth = await authReport(
      remoteByName,
      report.desired.map((d) => d.name),
      deps.api,
      {
        ...reportOptions,
        withUrls: settings.authUrls,
        ...(settings.authReturnUrl ? { appReturnUrl: settings.authReturnUrl } : {}),
      },
    );
    report.credentials = credentialReport(
      remoteByName,
      report.desired.map((d) => d.name),
    );
    const tools = await toolsReport(remoteByName, report.desired, deps.api, {
      ...reportOptions,
      expected: !settings.dryRun,
      lock,
    });
    report.tools = tools.tools;
    report.toolDrift = tools.drift;
    return finish(settings.dryRun ? 'Planned' : outcome(report.apply, settings.signal));
  } catch (error) {
    const known = isConnectorSyncError(error) ? error : asInternalError(error);
    return finish(ERROR_PHASES[known.code] ?? 'Failed', known);
  }
}

// phases a run cut off by its budget ends in; the others say something truer (it finished anyway,
// or it stopped before the time ran out for a reason of its own)
const CUT_OFF: ReadonlySet<RunPhase> = new Set(['Interrupted', 'Failed', 'ListFailed', 'ApplyFailed']);

/** A run whose budget ran out: says which operations were cut off in flight and which never started. */
function timedOut(report: RunReport, budget: RunBudget, now: Date, abandoned: boolean): RunReport {
  if (!abandoned && !CUT_OFF.has(report.phase)) return report;
  const results = report.apply?.results ?? [];
  const cutOff = results.filter(
    (r) => r.status === 'failed' && (r.cause?.code === 'ABORTED' || r.cause?.code === 'RUN_TIMEOUT'),
  );
  const notStarted = results.filter((r) => r.status === 'skipped' && r.note?.startsWith('not started'));
  const names = (list: typeof results) =>
    list.map((r) => `${r.operation.kind} ${r.operation.name}`).join(', ');
  const detail = [
    cutOff.length > 0 ? `; cut off in flight, outcome unknown: ${names(cutOff)}` : '',
    notStarted.length > 0 ? `; not started: ${names(notStarted)}` : '',
  ].join('');
  return {
    ...report,
    phase: 'TimedOut',
    error: runTimeoutError(budget.timeoutMs, detail),
    finishedAt: now.toISOString(),
  };
}

/** The phase a run that stopped on one of these errors ends in; any other error is `Failed`. */
const ERROR_PHASES: Partial<Record<ConnectorSyncError['code'], RunPhase>> = {
  PLAN_STALE: 'PlanStale',
  PLAN_REFUSED: 'PlanRefused',
  ABORTED: 'Interrupted',
};

/** A report of a run that has found nothing yet; a caller that stops early fills in why. */
export function emptyReport(dryRun: boolean, now: Date): RunReport {
  const at = now.toISOString();
  return {
    phase: 'Planned',
    dryRun,
    startedAt: at,
    finishedAt: at,
    issues: [],
    warnings: [],
    desired: [],
    listing: null,
    plan: null,
    apply: null,
    pendingAuth: [],
    credentials: [],
    tools: [],
    toolDrift: [],
    error: null,
  };
}

async function listOrFail(
  api: ConnectorsApi,
  signal: AbortSignal | undefined,
): Promise<ConnectorListing | ConnectorSyncError> {
  try {
    return await api.listConnectors(signal ? { signal } : {});
  } catch (error) {
    return isConnectorSyncError(error) ? error : asInternalError(error);
  }
}

function planOptions(settings: RunSettings, listing: ConnectorListing): PlanOptions {
  return {
    ...settings.plan,
    listingComplete: listing.complete,
    ...(listing.incompleteReason ? { listingIncompleteReason: listing.incompleteReason } : {}),
    ...(listing.invalid ? { invalidRemote: listing.invalid } : {}),
  };
}

function secretKnowledge(
  desired: DesiredConnector[],
  ledger: SecretLedger | undefined,
  pushUnrecorded: boolean,
): SecretKnowledge {
  const fingerprints = new Map<string, Partial<Record<SecretGroup, string>>>();
  if (ledger) {
    for (const connector of desired) {
      // an HMAC costs ~10 us: only for connectors that have write-only values to fingerprint
      if (secretGroups(connector).length === 0) continue;
      const groups = fingerprintGroups(connector, ledger.key);
      if (groups !== null) fingerprints.set(connector.name, groups);
    }
  }
  return { records: ledger?.records ?? new Map(), fingerprints, pushUnrecorded };
}

/** The remote state after the run, without listing again: deletes removed, writes' answers laid over. */
function overlayResults(remoteByName: Map<string, RemoteConnector>, applied: ApplyResult): void {
  for (const result of applied.results) {
    if (result.status !== 'applied') continue;
    const { operation } = result;
    if (operation.renamed_from) remoteByName.delete(operation.renamed_from);
    if (operation.kind === 'delete') remoteByName.delete(operation.name);
    if (result.remote) remoteByName.set(result.remote.name, result.remote);
  }
}

/**
 * Remembers the fingerprints of the values this run pushed, by connector id, so the next run can
 * verify them: only the groups a request carried and the API answered 2xx (`carried`), never a
 * value merely planned, nor one a request the API ignores would have held.
 */
async function recordPushedSecrets(
  ledger: SecretLedger,
  applied: ApplyResult,
  desired: DesiredConnector[],
  secrets: SecretKnowledge,
): Promise<void> {
  const byName = new Map(desired.map((d) => [d.name, d]));
  for (const { operation, status, remote, carried } of applied.results) {
    // an update that sent no PATCH (only activation or credentials) has no answer: it is the planned connector
    const inPlace = operation.kind === 'update' || operation.kind === 'rename';
    const id = remote?.id ?? (inPlace ? operation.remote?.id : undefined);
    // a replace or a delete ends the old connector: its record must not vouch for a successor
    if (status === 'applied' && operation.remote && operation.remote.id !== id)
      ledger.records.delete(operation.remote.id);
    const current = secrets.fingerprints.get(operation.name);
    const connector = byName.get(operation.name);
    // a failed operation may still have carried values before it failed (a credential step after the PATCH)
    if (!carried?.length || !current || !connector || id === undefined) continue;
    const fingerprints = { ...ledger.records.get(id)?.fingerprints };
    for (const group of carried) if (current[group] !== undefined) fingerprints[group] = current[group];
    // a push cut short is not done: the old secret_version keeps the bump pending
    const secretVersion =
      status === 'applied' ? connector.secret_version : (ledger.records.get(id)?.secretVersion ?? null);
    ledger.records.set(id, { fingerprints, secretVersion });
  }
  await ledger.save();
}

function outcome(applied: ApplyResult | null, signal: AbortSignal | undefined): RunPhase {
  if (applied && applied.failed > 0) return 'ApplyFailed';
  if (signal?.aborted && applied?.results.some((r) => r.status === 'skipped')) return 'Interrupted';
  return 'Applied';
}
