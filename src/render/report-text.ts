import type { PendingAuth, ToolsCheck } from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import { renderIssuesText } from './diagnostics.js';
import { renderPlanText, resultLine } from './plan-text.js';
import type { Style } from './style.js';

/** Context a text report needs besides the run itself. */
export interface TextContext {
  style: Style;
  apiUrl: string;
  /** Results were already printed one by one while applying (progress on a TTY). */
  resultsShown?: boolean;
}

/** The whole run for people: what was read, the plan, what was applied, and what needs a person. */
export function renderReportText(report: RunReport, context: TextContext): string {
  const { style } = context;
  const lines: string[] = [];
  if (report.issues.length > 0 || report.warnings.length > 0) {
    lines.push(renderIssuesText([...report.issues, ...report.warnings], { color: false }).trimEnd());
  }
  if (report.phase === 'ConfigInvalid') {
    lines.push(style.remove('The desired state is invalid: nothing was read from or written to the API.'));
    return `${lines.join('\n')}\n`;
  }
  if (report.listing) {
    const { count, pages } = report.listing;
    lines.push(
      style.dim(
        `${report.desired.length} desired connector${plural(report.desired.length)}; ` +
          `${count} remote at ${context.apiUrl} (${pages} page${plural(pages)}${report.listing.complete ? '' : ', INCOMPLETE'})`,
      ),
      '',
    );
  }
  if (report.plan) lines.push(...renderPlanText(report.plan, style));
  if (report.phase === 'PlanRefused') lines.push(style.remove('Refused: nothing was changed.'));
  if (report.apply) lines.push('', ...applyLines(report, context));
  else if (report.dryRun && report.plan && report.plan.operations.length > 0 && report.phase === 'Planned') {
    lines.push(style.dim('Dry run: nothing was changed.'));
  }
  lines.push(...authLines(report.pendingAuth, style), ...toolsLines(report.tools, style));
  if (report.error) {
    lines.push('', style.remove(`error: ${report.error.message}`));
    if (report.error.hint) lines.push(`hint: ${report.error.hint}`);
  }
  return `${lines.join('\n')}\n`;
}

function applyLines(report: RunReport, context: TextContext): string[] {
  const applied = report.apply!;
  const lines = context.resultsShown
    ? []
    : applied.results.map((result) => resultLine(result, context.style));
  const done = applied.results.filter((r) => r.status === 'applied').length;
  const skipped = applied.results.filter((r) => r.status === 'skipped').length;
  const summary = `Applied ${done} of ${applied.results.length} operation${plural(applied.results.length)}`;
  const tail = [applied.failed > 0 ? `${applied.failed} failed` : '', skipped > 0 ? `${skipped} skipped` : '']
    .filter(Boolean)
    .join(', ');
  lines.push(context.style.bold(tail ? `${summary}; ${tail}.` : `${summary}.`));
  if (applied.failed > 0) lines.push('Run sync again to retry: it converges from wherever this run stopped.');
  return lines;
}

function authLines(pending: readonly PendingAuth[], style: Style): string[] {
  if (pending.length === 0) return [];
  const lines = [
    '',
    style.warn(`Waiting for OAuth (${pending.length}): someone must authenticate these connectors.`),
  ];
  for (const entry of pending) {
    if (entry.authUrl) lines.push(`  ${entry.name}  ${entry.authUrl}  (link expires ${entry.expiresAt})`);
    else if (entry.error) lines.push(`  ${entry.name}  (no link: ${entry.error})`);
    else lines.push(`  ${entry.name}`);
  }
  if (!pending.some((entry) => entry.authUrl)) lines.push(style.dim('  Links: connector-sync auth --urls'));
  return lines;
}

function toolsLines(tools: readonly ToolsCheck[], style: Style): string[] {
  const notable = tools.filter((check) => check.status !== 'ok');
  if (notable.length === 0) return [];
  const lines = ['', style.warn('Expected tools:')];
  for (const check of notable) {
    if (check.status === 'missing') lines.push(`  ${check.name}: missing ${check.missing.join(', ')}`);
    else lines.push(`  ${check.name}: not checked (${check.reason})`);
  }
  return lines;
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
