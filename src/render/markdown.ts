import type { ConfigIssue } from '../config/types.js';
import { needsAttention } from '../reconcile/reports.js';
import type { RunReport } from '../reconcile/run-once.js';
import type { Operation, PlanRefusal, PlanWarning } from '../reconcile/types.js';
import { activationText, credentialTexts } from './consumers.js';
import {
  forHtml,
  forMarkdown,
  forWorkflowMessage,
  forWorkflowProperty,
  markdownCode,
  markdownFence,
  markdownLink,
  markdownTableRow as row,
} from './escape.js';
import { planSummary } from './plan-text.js';
import { heldBack } from './report-json.js';
import { toolDriftPhrases } from './tool-drift.js';
import { agentsUnreadText, usedByText } from './used-by.js';
import { isLongText, textDiff } from './values.js';

const ICON: Record<Operation['kind'], string> = {
  create: '🟢 create',
  update: '🟡 update',
  rename: '🟡 rename',
  replace: '🔴 replace',
  delete: '🔴 delete',
};

/** GitHub refuses a job summary (GITHUB_STEP_SUMMARY) larger than 1 MiB. */
export const JOB_SUMMARY_LIMIT = 1024 * 1024;

/** How the Markdown is laid out, and how large it may grow. */
export interface MarkdownContext {
  apiUrl: string;
  /** The most bytes the text may take; each long list is cut to its share and says how many more. */
  limit?: number;
  /** Where a list cut short is complete (Markdown, e.g. a link to the job summary). */
  fullReport?: string;
  /** Fold an operations table of more rows than this into `<details>`. */
  foldAfter?: number;
}

// each unbounded list's share of the limit; the rest is for the lines that are always there
const SHARE = {
  issues: 0.9,
  operations: 0.45,
  longText: 0.2,
  held: 0.05,
  unverified: 0.04,
  orphans: 0.04,
  failed: 0.08,
  pendingAuth: 0.04,
  credentials: 0.04,
};

/**
 * The run as a Markdown job summary (GitHub's GITHUB_STEP_SUMMARY, or any CI that renders Markdown).
 * Every name, value, path and message goes through src/render/escape.ts: code spans and fences sized
 * to their content, inline text escaped, so nothing remote adds a heading, link, image or tag.
 * It stays under `context.limit` (the job summary's 1 MiB by default) at any number of connectors.
 */
export function renderReportMarkdown(report: RunReport, context: MarkdownContext): string {
  const limit = context.limit ?? JOB_SUMMARY_LIMIT;
  // a line right after a table's rows would be read as one more row: a table's note has a blank line
  const cut = (share: keyof typeof SHARE, lines: string[], what: string, table = false) =>
    capped(
      lines,
      limit * SHARE[share],
      (n) => `${table ? '\n' : ''}… and ${n.toLocaleString('en-US')} more ${what}${where(context)}.`,
    );
  const lines = [`## connector-sync ${report.dryRun ? 'plan' : 'sync'}: ${headline(report)}`, ''];
  if (report.issues.length > 0) {
    lines.push('### Invalid desired state', '', '| Place | Problem |', '| --- | --- |');
    const rows = report.issues.map((issue) => row(markdownCode(place(issue)), forMarkdown(issue.message)));
    lines.push(...cut('issues', rows, 'problems', true));
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
    const folded = context.foldAfter !== undefined && plan.operations.length > context.foldAfter;
    if (folded) lines.push(`<details><summary>${plan.operations.length} operations</summary>`, '');
    lines.push('| Operation | Connector | Changes | Source |', '| --- | --- | --- | --- |');
    lines.push(...cut('operations', plan.operations.map(operationRow), 'operations', true));
    if (folded) lines.push('', '</details>');
    lines.push('', ...cut('longText', longTextDetails(plan.operations), 'long-text diffs'));
  }
  if (plan) lines.push(`**${planSummary(plan)}**`, '');
  for (const refusal of plan?.refusals ?? []) {
    const allow = refusal.flag.startsWith('--')
      ? `Allow it with ${markdownCode(refusal.flag)}.`
      : `${forMarkdown(refusal.flag)}.`;
    lines.push(`> [!CAUTION]`, `> Refused: ${forMarkdown(refusal.message)}. ${allow}`, '');
  }
  const held = (plan?.warnings ?? []).filter((warning) => warning.held).map(heldCallout);
  lines.push(...cut('held', held, 'held back'));
  if (plan && plan.unverified.length > 0) {
    const names = cut(
      'unverified',
      plan.unverified.map((u) => markdownCode(u.name)),
      'connectors',
    );
    lines.push(`Write-only fields not verified (the API never returns them): ${names.join(', ')}.`, '');
  }
  if (plan?.agents) lines.push(...agentLines(plan));
  if (plan && plan.orphans.length > 0) {
    const names = cut('orphans', plan.orphans.map(markdownCode), 'connectors');
    lines.push(`Not declared, kept (\`--prune\` deletes them): ${names.join(', ')}.`, '');
  }
  const failed = report.apply?.results.filter((r) => r.status === 'failed') ?? [];
  if (failed.length > 0) {
    lines.push('### Failed operations', '');
    const items = failed.map(
      (result) =>
        `- ${markdownCode(result.operation.name)} (${result.operation.kind}): ${forMarkdown(result.cause?.message ?? 'unknown')}`,
    );
    lines.push(...cut('failed', items, 'failed operations'), '');
  }
  if (report.pendingAuth.length > 0) {
    lines.push('### Waiting for OAuth', '');
    const items = report.pendingAuth.map((entry) =>
      entry.authUrl
        ? `- ${markdownLink(markdownCode(entry.name), entry.authUrl)} (link expires ${forMarkdown(entry.expiresAt ?? '')})`
        : `- ${markdownCode(entry.name)}`,
    );
    lines.push(...cut('pendingAuth', items, 'connectors waiting'), '');
  }
  const attention = report.credentials.filter(needsAttention);
  if (attention.length > 0) {
    lines.push('### Credentials needing attention', '');
    const items = attention.map((state) => {
      const why = state.error_message === null ? '' : `: ${forMarkdown(state.error_message)}`;
      return `- ${markdownCode(`${state.connector}/${state.credential}`)} (${forMarkdown(state.scope)}): ${forMarkdown(state.status)}${why}`;
    });
    lines.push(...cut('credentials', items, 'credentials'), '');
  }
  lines.push(...toolDriftMarkdown(report));
  if (report.error) lines.push(`> [!WARNING]`, `> ${forMarkdown(report.error.message)}`, '');
  return `${lines.join('\n')}\n`;
}

function heldCallout(warning: PlanWarning): string {
  const place = warning.source ? ` (${markdownCode(`${warning.source.file}:${warning.source.line}`)})` : '';
  return `> [!WARNING]\n> Held${place}: ${forMarkdown(warning.message)}.\n`;
}

function where(context: MarkdownContext): string {
  return context.fullReport ? `: ${context.fullReport}` : ' (`--output json` lists every one)';
}

/**
 * Items while they fit in `budget` bytes; past it, one line from `more` with how many were left
 * out. An item is whole lines (a table row, a folded block), so the Markdown is never cut inside one.
 */
function capped(items: readonly string[], budget: number, more: (left: number) => string): string[] {
  const kept: string[] = [];
  let used = 0;
  for (const item of items) {
    used += Buffer.byteLength(item, 'utf8') + 1;
    if (used > budget) return [...kept, more(items.length - kept.length)];
    kept.push(item);
  }
  return kept;
}

/** GitHub shows ten annotations of each level (error, warning, notice) per step and drops the rest. */
export const ANNOTATIONS_SHOWN_PER_LEVEL = 10;

type Level = 'error' | 'warning' | 'notice';

interface Annotation {
  level: Level;
  /** What it is about, for the summary of those not shown ("9,990 create"). */
  kind: string;
  props: Record<string, string | number>;
  message: string;
}

/**
 * GitHub workflow commands that annotate the YAML lines of a run's problems and changes in a pull
 * request. What a reviewer must not miss comes first (refusals, failures, invalid files, held
 * connectors, then deletes and replaces), since GitHub keeps only the first ten of each level: the
 * rest of a level is summarised in its tenth annotation, so 10,000 creates never hide a replace.
 * Properties and messages are escaped as the runner requires (%, CR, LF, and , : in properties).
 */
export function githubAnnotations(report: RunReport): string[] {
  const plan = report.plan;
  const annotations: Annotation[] = [
    ...(plan?.refusals ?? []).map(refusalAnnotation),
    ...failedAnnotations(report),
    ...issueAnnotationList(report.issues.filter((i) => i.severity === 'error')),
    ...(plan?.warnings ?? []).filter((w) => w.held).map(heldAnnotation),
    ...operationAnnotations(report, true),
    ...toolDriftAnnotations(report),
    ...issueAnnotationList([...report.issues, ...report.warnings].filter((i) => i.severity !== 'error')),
    ...operationAnnotations(report, false),
  ];
  return shownAnnotations(annotations).map((a) => command(a.level, a.props, a.message));
}

/** Annotations of configuration errors and warnings alone (what `validate` finds). */
export function issueAnnotations(issues: readonly ConfigIssue[]): string[] {
  const errorsFirst = [...issues].sort(
    (a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'),
  );
  return shownAnnotations(issueAnnotationList(errorsFirst)).map((a) => command(a.level, a.props, a.message));
}

function issueAnnotationList(issues: readonly ConfigIssue[]): Annotation[] {
  return issues.map((issue) => ({
    level: issue.severity === 'error' ? 'error' : 'warning',
    kind: issue.severity === 'error' ? 'configuration error' : 'configuration warning',
    props: lineProps(issue.location, issue.location.column),
    message: issue.message,
  }));
}

function refusalAnnotation(refusal: PlanRefusal): Annotation {
  const allow = refusal.flag.startsWith('--') ? `allow it with ${refusal.flag}` : refusal.flag;
  return {
    level: 'error',
    kind: 'refusal',
    props: { title: 'connector-sync: refused' },
    message: `${refusal.message}; ${allow}. Nothing was applied.`,
  };
}

// held back: the run exits 1 for it, so it is an error on the line that declares it
function heldAnnotation(warning: PlanWarning): Annotation {
  const props = warning.source ? lineProps(warning.source) : {};
  return {
    level: 'error',
    kind: 'held',
    props: { ...props, title: 'connector-sync: held' },
    message: warning.message,
  };
}

function failedAnnotations(report: RunReport): Annotation[] {
  return (report.apply?.results ?? [])
    .filter((result) => result.status === 'failed')
    .map((result) => ({
      level: 'error',
      kind: `failed ${result.operation.kind}`,
      props: result.operation.source ? lineProps(result.operation.source) : {},
      message: `${result.operation.kind} ${result.operation.name} failed: ${result.cause?.message ?? ''}`,
    }));
}

// a warning, not an error: sync cannot change an MCP server (`--fail-on-tool-drift` fails the run)
function toolDriftAnnotations(report: RunReport): Annotation[] {
  const sources = new Map(report.desired.map((d) => [d.name, d.source]));
  return report.toolDrift
    .filter((check) => check.status === 'drift')
    .map((check) => {
      const source = sources.get(check.name);
      return {
        level: 'warning',
        kind: 'tool drift',
        props: { ...(source ? lineProps(source) : {}), title: 'connector-sync: tool drift' },
        message: `${check.name}: ${toolDriftPhrases(check, (name) => name).join('; ')}`,
      };
    });
}

/** The plan's operations on their YAML lines: destructive ones (warning) or the others (notice). */
function operationAnnotations(report: RunReport, destructive: boolean): Annotation[] {
  const annotations: Annotation[] = [];
  for (const op of report.plan?.operations ?? []) {
    if (!op.source || op.temporary || isDestructive(op) !== destructive) continue;
    annotations.push({
      level: destructive ? 'warning' : 'notice',
      kind: op.kind,
      props: {
        ...lineProps(op.source),
        title: `connector-sync: ${op.kind}`,
      },
      message: describe(op),
    });
  }
  return annotations;
}

function isDestructive(op: Operation): boolean {
  return op.destructive === true || op.kind === 'delete' || op.kind === 'replace';
}

/** Line 1 for a file-level place (line 0): GitHub does not show an annotation on line 0. */
function lineProps(place: { file: string; line: number }, column?: number): Record<string, string | number> {
  const props: Record<string, string | number> = { file: place.file, line: Math.max(1, place.line) };
  if (place.line > 0 && column !== undefined && column > 0) props.col = column;
  return props;
}

/** The first nine of a level as they are, the rest of that level as one summary annotation. */
function shownAnnotations(annotations: readonly Annotation[]): Annotation[] {
  const shown: Annotation[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const ofLevel = annotations.filter((a) => a.level === level);
    if (ofLevel.length <= ANNOTATIONS_SHOWN_PER_LEVEL) {
      shown.push(...ofLevel);
      continue;
    }
    const kept = ofLevel.slice(0, ANNOTATIONS_SHOWN_PER_LEVEL - 1);
    const rest = ofLevel.slice(kept.length);
    shown.push(...kept, {
      level,
      kind: 'summary',
      props: { title: 'connector-sync: not shown' },
      message: `${rest.length.toLocaleString('en-US')} more (${countKinds(rest)}) not annotated here: GitHub shows ${ANNOTATIONS_SHOWN_PER_LEVEL} per step; the job summary lists every one`,
    });
  }
  return shown;
}

function countKinds(annotations: readonly Annotation[]): string {
  const counts = new Map<string, number>();
  for (const a of annotations) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${n.toLocaleString('en-US')} ${kind}`).join(', ');
}

/** Drifted connectors as a caution block; every tool name is remote text, so in code spans. */
function toolDriftMarkdown(report: RunReport): string[] {
  const drifted = report.toolDrift.filter((check) => check.status === 'drift');
  if (drifted.length === 0) return [];
  const lines = ['### Tools changed since `connector-sync.lock.yaml`', ''];
  for (const check of drifted)
    lines.push(`- ${markdownCode(check.name)}: ${toolDriftPhrases(check, markdownCode).join('; ')}`);
  lines.push('', 'Review what the MCP server now serves, then run `connector-sync probe --update-lock`.', '');
  return lines;
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

/** One folded diff per long text that changes (a block of lines, kept or left out whole). */
function longTextDetails(operations: readonly Operation[]): string[] {
  const blocks: string[] = [];
  for (const op of operations) {
    if (op.kind === 'create') continue;
    for (const change of op.changes.filter((c) => isLongText(c.before, c.after))) {
      blocks.push(
        [
          `<details><summary><code>${forHtml(op.name)}</code> ${forHtml(change.field)}</summary>`,
          '',
          ...markdownFence('diff', textDiff(change.field, change.before, change.after)),
          '</details>',
          '',
        ].join('\n'),
      );
    }
  }
  return blocks;
}

function place(issue: ConfigIssue): string {
  return `${issue.location.file}:${issue.location.line}:${issue.location.column}`;
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
