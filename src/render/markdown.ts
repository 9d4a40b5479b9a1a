import type { ConfigIssue } from '../config/types.js';
import { needsAttention } from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import type { Operation } from '../reconcile/types.js';
import { activationText, credentialTexts } from './consumers.js';
import {
  forHtml,
  forMarkdown,
  forWorkflowMessage,
  forWorkflowProperty,
  markdownCode,
  markdownFence,
  markdownLink,
} from './escape.js';
import { planSummary } from './plan-text.js';
import { heldBack } from './report-json.js';
import { agentsUnreadText, usedByText } from './used-by.js';
import { isLongText, textDiff } from './values.js';

const ICON: Record<Operation['kind'], string> = {
  create: '🟢 create',
  update: '🟡 update',
  rename: '🟡 rename',
  replace: '🔴 replace',
  delete: '🔴 delete',
};

/**
 * The run as a Markdown job summary (GitHub's GITHUB_STEP_SUMMARY, or any CI that renders Markdown).
 * Every name, value, path and message goes through src/render/escape.ts: code spans and fences sized
 * to their content, inline text escaped, so nothing remote adds a heading, link, image or tag.
 */
export function renderReportMarkdown(report: RunReport, context: { apiUrl: string }): string {
  const lines = [`## connector-sync ${report.dryRun ? 'plan' : 'sync'}: ${headline(report)}`, ''];
  if (report.issues.length > 0) {
    lines.push('### Invalid desired state', '', '| Place | Problem |', '| --- | --- |');
    for (const issue of report.issues)
      lines.push(row(markdownCode(place(issue)), forMarkdown(issue.message)));
    lines.push('', 'Nothing was read from or written to the API.');
    return `${lines.join('\n')}\n`;
  }
  if (report.listing) {
    lines.push(
      `${report.desired.length} desired, ${report.listing.count} remote at ${markdownCode(context.apiUrl)}.`,
      '',
    );
  }
  const plan = report.plan;
  if (plan && plan.operations.length > 0) {
    lines.push('| Operation | Connector | Changes | Source |', '| --- | --- | --- | --- |');
    for (const op of plan.operations) lines.push(operationRow(op));
    lines.push('', ...longTextDetails(plan.operations));
  }
  if (plan) lines.push(`**${planSummary(plan)}**`, '');
  for (const refusal of plan?.refusals ?? []) {
    const allow = refusal.flag.startsWith('--')
      ? `Allow it with ${markdownCode(refusal.flag)}.`
      : `${forMarkdown(refusal.flag)}.`;
    lines.push(`> [!CAUTION]`, `> Refused: ${forMarkdown(refusal.message)}. ${allow}`, '');
  }
  for (const warning of plan?.warnings ?? []) {
    if (!warning.held) continue;
    const place = warning.source ? ` (${markdownCode(`${warning.source.file}:${warning.source.line}`)})` : '';
    lines.push(`> [!WARNING]`, `> Held${place}: ${forMarkdown(warning.message)}.`, '');
  }
  if (plan && plan.unverified.length > 0) {
    lines.push(
      `Write-only fields not verified (the API never returns them): ${plan.unverified.map((u) => markdownCode(u.name)).join(', ')}.`,
      '',
    );
  }
  if (plan?.agents) lines.push(...agentLines(plan));
  if (plan && plan.orphans.length > 0)
    lines.push(
      `Not declared, kept (\`--prune\` deletes them): ${plan.orphans.map(markdownCode).join(', ')}.`,
      '',
    );
  const failed = report.apply?.results.filter((r) => r.status === 'failed') ?? [];
  if (failed.length > 0) {
    lines.push('### Failed operations', '');
    for (const result of failed)
      lines.push(
        `- ${markdownCode(result.operation.name)} (${result.operation.kind}): ${forMarkdown(result.cause?.message ?? 'unknown')}`,
      );
    lines.push('');
  }
  if (report.pendingAuth.length > 0) {
    lines.push('### Waiting for OAuth', '');
    for (const entry of report.pendingAuth) {
      lines.push(
        entry.authUrl
          ? `- ${markdownLink(markdownCode(entry.name), entry.authUrl)} (link expires ${forMarkdown(entry.expiresAt ?? '')})`
          : `- ${markdownCode(entry.name)}`,
      );
    }
    lines.push('');
  }
  const attention = report.credentials.filter(needsAttention);
  if (attention.length > 0) {
    lines.push('### Credentials needing attention', '');
    for (const state of attention) {
      const why = state.error_message === null ? '' : `: ${forMarkdown(state.error_message)}`;
      lines.push(
        `- ${markdownCode(`${state.connector}/${state.credential}`)} (${forMarkdown(state.scope)}): ${forMarkdown(state.status)}${why}`,
      );
    }
    lines.push('');
  }
  if (report.error) lines.push(`> [!WARNING]`, `> ${forMarkdown(report.error.message)}`, '');
  return `${lines.join('\n')}\n`;
}

/**
 * GitHub workflow commands that annotate the YAML lines of each change and error in a pull request.
 * Properties and messages are escaped as the runner requires (%, CR, LF, and , : in properties).
 */
export function githubAnnotations(report: RunReport): string[] {
  const out: string[] = [];
  for (const issue of [...report.issues, ...report.warnings]) {
    const level = issue.severity === 'error' ? 'error' : 'warning';
    out.push(
      command(
        level,
        { file: issue.location.file, line: issue.location.line, col: issue.location.column },
        issue.message,
      ),
    );
  }
  // held back: the run exits 1 for it, so it is an error on the line that declares it
  for (const warning of report.plan?.warnings ?? []) {
    if (!warning.held) continue;
    const props: Record<string, string | number> = warning.source
      ? { file: warning.source.file, line: warning.source.line }
      : {};
    out.push(command('error', { ...props, title: 'connector-sync: held' }, warning.message));
  }
  for (const op of report.plan?.operations ?? []) {
    if (!op.source || op.temporary) continue;
    const level = op.destructive ? 'warning' : 'notice';
    out.push(
      command(
        level,
        { file: op.source.file, line: op.source.line, title: `connector-sync: ${op.kind}` },
        describe(op),
      ),
    );
  }
  for (const result of report.apply?.results ?? []) {
    if (result.status !== 'failed') continue;
    const source = result.operation.source;
    const props: Record<string, string | number> = source ? { file: source.file, line: source.line } : {};
    out.push(
      command(
        'error',
        props,
        `${result.operation.kind} ${result.operation.name} failed: ${result.cause?.message ?? ''}`,
      ),
    );
  }
  return out;
}

function headline(report: RunReport): string {
  const held = heldBack(report.plan);
  if (held > 0 && (report.phase === 'Applied' || report.phase === 'Planned')) {
    const pending = report.phase === 'Planned' && report.plan!.operations.length > 0;
    return `⚠️ ${report.phase === 'Applied' ? 'applied, ' : pending ? 'changes pending, ' : ''}${held} held back`;
  }
  switch (report.phase) {
    case 'ConfigInvalid':
      return '❌ invalid desired state';
    case 'PlanRefused':
      return '⛔ refused';
    case 'ApplyFailed':
      return '❌ some operations failed';
    case 'Applied':
      return '✅ applied';
    case 'Planned':
      return report.plan && report.plan.operations.length > 0 ? '📝 changes pending' : '✅ no changes';
    default:
      return `❌ ${report.phase}`;
  }
}

function operationRow(op: Operation): string {
  const name =
    op.kind === 'rename'
      ? `${markdownCode(op.renamed_from ?? '')} → ${markdownCode(op.name)}`
      : markdownCode(op.name);
  const source = op.source ? markdownCode(`${op.source.file}:${op.source.line}`) : '';
  return row(ICON[op.kind], name, forMarkdown(describe(op)), source);
}

function describe(op: Operation): string {
  const parts: string[] = op.changes.filter((c) => c.field !== 'name').map((c) => c.field);
  if (op.visibility && op.visibility.via !== 'create')
    parts.push(`visibility ${op.visibility.from} → ${op.visibility.to}`);
  if (op.secrets) parts.push(`${op.secrets.fields.join(', ')} (write-only)`);
  const activation = activationText(op);
  if (activation) parts.push(activation);
  parts.push(...credentialTexts(op));
  if (op.kind === 'create') return 'new connector';
  if (op.kind === 'delete') return 'no longer declared';
  return parts.join(', ') || op.kind;
}

function longTextDetails(operations: readonly Operation[]): string[] {
  const lines: string[] = [];
  for (const op of operations) {
    if (op.kind === 'create') continue;
    for (const change of op.changes.filter((c) => isLongText(c.before, c.after))) {
      lines.push(
        `<details><summary><code>${forHtml(op.name)}</code> ${forHtml(change.field)}</summary>`,
        '',
        ...markdownFence('diff', textDiff(change.field, change.before, change.after)),
        '</details>',
        '',
      );
    }
  }
  return lines;
}

function place(issue: ConfigIssue): string {
  return `${issue.location.file}:${issue.location.line}:${issue.location.column}`;
}

/** A table row; a `|` in a cell, even inside a code span, is escaped for GFM's table splitter. */
function row(...cells: string[]): string {
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
}

function command(level: string, props: Record<string, string | number>, message: string): string {
  const rendered = Object.entries(props)
    .map(([key, value]) => `${key}=${forWorkflowProperty(String(value))}`)
    .join(',');
  return `::${level}${rendered ? ` ${rendered}` : ''}::${forWorkflowMessage(message)}`;
}

/** Per connector, the agents that use it; the agents' tool mismatches; why they are missing, if unread. */
function agentLines(plan: NonNullable<RunReport['plan']>): string[] {
  const lines: string[] = [];
  for (const entry of plan.agents?.used_by ?? [])
    lines.push(`- ${markdownCode(entry.name)}: ${forMarkdown(usedByText(entry.agents))}`);
  for (const warning of plan.warnings.filter((w) => w.code === 'agent-unknown-tool'))
    lines.push(`- Warning: ${forMarkdown(warning.message)}`);
  const unread = plan.agents && agentsUnreadText(plan.agents);
  if (unread) lines.push(`> [!WARNING]`, `> ${forMarkdown(unread)}.`);
  return lines.length > 0 ? ['### Agents', '', ...lines, ''] : [];
}
