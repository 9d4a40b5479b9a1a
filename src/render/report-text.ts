import {
  type CredentialState,
  needsAttention,
  type PendingAuth,
  type ToolDriftCheck,
  type ToolsCheck,
} from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import type { OperationResult } from '../reconcile/types.js';
import { renderIssuesText } from './diagnostics.js';
import { forTerminal } from './escape.js';
import { listNames, planTextLines, resultLine } from './plan-text.js';
import { heldBack } from './report-json.js';
import type { Style } from './style.js';
import { toolDriftPhrases } from './tool-drift.js';

/** Context a text report needs besides the run itself. */
export interface TextContext {
  style: Style;
  apiUrl: string;
  /** The issues, the listing line and the plan were printed before the apply began. */
  headShown?: boolean;
  /** The caller prints the configuration issues and warnings itself (on stderr, as diagnostics). */
  issuesApart?: boolean;
  /** Results were already printed one by one while applying. */
  resultsShown?: boolean;
}

/** The whole run for people: what was read, the plan, what was applied, and what needs a person. */
export function renderReportText(report: RunReport, context: TextContext): string {
  return `${[...reportTextLines(report, context)].join('\n')}\n`;
}

/**
 * The same report line by line, for printing as it is made: the report of 10,000 operations is
 * megabytes of text, and building it whole would hold its lines and their copies at the peak of a sync.
 */
export function* reportTextLines(report: RunReport, context: TextContext): Generator<string> {
  const { style } = context;
  if (!context.headShown) yield* reportHeadLines(report, context);
  if (report.phase === 'ConfigInvalid') return;
  if (report.phase === 'PlanRefused') yield style.remove('Refused: nothing was changed.');
  if (report.apply) {
    yield '';
    yield* applyLines(report, context);
  } else if (
    report.dryRun &&
    report.plan &&
    report.plan.operations.length > 0 &&
    report.phase === 'Planned'
  ) {
    yield style.dim('Dry run: nothing was changed.');
  }
  const held = heldBack(report.plan);
  if (held > 0)
    yield style.remove(
      `Held back (${held}, see "held" above): nothing was written for them, and the run fails until a person resolves them.`,
    );
  yield* authLines(report.pendingAuth, style);
  yield* credentialLines(report.credentials, style);
  yield* toolsLines(report.tools, style);
  yield* toolDriftLines(report.toolDrift, style);
  if (report.error) {
    yield '';
    yield style.remove(`error: ${forTerminal(report.error.message)}`);
    if (report.error.hint) yield `hint: ${forTerminal(report.error.hint)}`;
  }
}

/** What a run knows before its first write: the issues, what was read, and the plan. */
export function* reportHeadLines(report: RunReport, context: TextContext): Generator<string> {
  const { style } = context;
  if (!context.issuesApart && (report.issues.length > 0 || report.warnings.length > 0)) {
    yield reportIssuesText(report).trimEnd();
  }
  if (report.phase === 'ConfigInvalid') {
    yield style.remove('The desired state is invalid: nothing was read from or written to the API.');
    return;
  }
  if (report.listing) {
    const { count, pages } = report.listing;
    yield style.dim(
      `${report.desired.length} desired connector${plural(report.desired.length)}; ` +
        `${count} remote at ${context.apiUrl} (${pages} page${plural(pages)}${report.listing.complete ? '' : ', INCOMPLETE'})`,
    );
    yield '';
  }
  if (report.plan) yield* planTextLines(report.plan, style);
}

/** The configuration issues and warnings of a run, as text (empty when there are none). */
export function reportIssuesText(report: Readonly<RunReport>): string {
  if (report.issues.length === 0 && report.warnings.length === 0) return '';
  return renderIssuesText([...report.issues, ...report.warnings], { color: false });
}

/** A result printed in one line with the others of its kind: the operations an interrupt never started. */
export function notStarted(result: OperationResult): boolean {
  return result.status === 'skipped' && result.note?.startsWith('not started') === true;
}

function* applyLines(report: RunReport, context: TextContext): Generator<string> {
  const applied = report.apply!;
  let done = 0;
  let skipped = 0;
  for (const result of applied.results) {
    if (result.status === 'applied') done += 1;
    else if (result.status === 'skipped') skipped += 1;
    if (!context.resultsShown && !notStarted(result)) yield resultLine(result, context.style);
  }
  yield* notStartedLines(applied.results, context.style);
  const summary = `Applied ${done} of ${applied.results.length} operation${plural(applied.results.length)}`;
  const tail = [applied.failed > 0 ? `${applied.failed} failed` : '', skipped > 0 ? `${skipped} skipped` : '']
    .filter(Boolean)
    .join(', ');
  yield context.style.bold(tail ? `${summary}; ${tail}.` : `${summary}.`);
  if (applied.failed > 0) yield 'Run sync again to retry: it converges from wherever this run stopped.';
}

/** `  - 440 not started (interrupted): a, b, c and 437 more`, one line per reason. */
function* notStartedLines(results: readonly OperationResult[], style: Style): Generator<string> {
  const byReason = new Map<string, string[]>();
  for (const result of results) {
    if (!notStarted(result)) continue;
    const reason = result.note!.replace(/^not started:?\s*/, '') || 'stopped';
    const names = byReason.get(reason) ?? [];
    names.push(result.operation.name);
    byReason.set(reason, names);
  }
  for (const [reason, names] of byReason)
    yield `  ${style.warn('-')} ${names.length} not started (${forTerminal(reason)}): ${listNames(names)}`;
}

function authLines(pending: readonly PendingAuth[], style: Style): string[] {
  if (pending.length === 0) return [];
  const lines = [
    '',
    style.warn(`Waiting for OAuth (${pending.length}): someone must authenticate these connectors.`),
  ];
  for (const entry of pending) lines.push(forTerminal(authLine(entry)));
  if (!pending.some((entry) => entry.authUrl)) lines.push(style.dim('  Links: connector-sync auth --urls'));
  return lines;
}

/** One connector waiting for OAuth: its name, then its link (or why there is none). */
export function authLine(entry: PendingAuth, expiry = 'link expires'): string {
  if (entry.authUrl) return `  ${entry.name}  ${entry.authUrl}  (${expiry} ${entry.expiresAt})`;
  if (entry.error) return `  ${entry.name}  (no link: ${entry.error})`;
  return `  ${entry.name}`;
}

/** Credentials the API found invalid or failing (valid and not-yet-reported ones stay out of the way). */
export function credentialLines(states: readonly CredentialState[], style: Style): string[] {
  const notable = states.filter(needsAttention);
  if (notable.length === 0) return [];
  const lines = ['', style.warn(`Credentials needing attention (${notable.length}):`)];
  for (const state of notable) lines.push(forTerminal(credentialLine(state)));
  return lines;
}

/** `  crm/main (user, oauth2): invalid: oauth expired (HTTP 401, checked 2026-...)` */
export function credentialLine(state: CredentialState): string {
  const facts = [
    state.error_http_code === null ? '' : `HTTP ${state.error_http_code}`,
    state.last_checked_at === null ? '' : `checked ${state.last_checked_at}`,
  ].filter(Boolean);
  const why = state.error_message === null ? '' : `: ${state.error_message}`;
  const tail = facts.length > 0 ? ` (${facts.join(', ')})` : '';
  return `  ${state.connector}/${state.credential} (${state.scope}, ${state.authentication_type}): ${state.status}${why}${tail}`;
}

function toolsLines(tools: readonly ToolsCheck[], style: Style): string[] {
  const notable = tools.filter((check) => check.status !== 'ok');
  if (notable.length === 0) return [];
  const lines = ['', style.warn('Expected tools:')];
  for (const check of notable) {
    if (check.status === 'missing')
      lines.push(forTerminal(`  ${check.name}: missing ${check.missing.join(', ')}`));
    else lines.push(forTerminal(`  ${check.name}: not checked (${check.reason})`));
  }
  return lines;
}

function toolDriftLines(checks: readonly ToolDriftCheck[], style: Style): string[] {
  const notable = checks.filter((check) => check.status !== 'ok');
  if (notable.length === 0) return [];
  const lines = ['', style.warn('Tools against connector-sync.lock.yaml (from the API, refreshed):')];
  for (const check of notable) {
    if (check.status === 'unchecked')
      lines.push(forTerminal(`  ${check.name}: not checked (${check.reason})`));
    else
      for (const phrase of toolDriftPhrases(check, forTerminal))
        lines.push(style.remove(`  ${forTerminal(check.name)}: ${phrase}`));
  }
  return lines;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
