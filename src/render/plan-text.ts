import type { Operation, OperationResult, Plan } from '../reconcile/types.js';
import { activationText, credentialTexts } from './consumers.js';
import { forTerminal } from './escape.js';
import { heldBack } from './report-json.js';
import type { Style } from './style.js';
import { agentsUnreadText, usedByText } from './used-by.js';
import { isLongText, showValue, textDiff } from './values.js';

const SYMBOL: Record<Operation['kind'], string> = {
  create: '+',
  update: '~',
  rename: '~',
  replace: '±',
  delete: '-',
};

const SECRET_REASON: Record<NonNullable<Operation['secrets']>['reason'], string> = {
  create: 'sent with the create',
  replace: 'sent with the create',
  requested: 'pushed on request (--push-secrets)',
  'secret-version': 'pushed: secret_version changed',
  fingerprint: 'pushed: the values changed since the last push',
  'auth-method': 'sent again with the auth method (the API takes its values together)',
};

/** The plan for people, Terraform-style: one block per operation, then what is unverified or orphaned. */
export function renderPlanText(plan: Plan, style: Style): string[] {
  return [...planTextLines(plan, style)];
}

/** renderPlanText line by line, for printing as it is made. */
export function* planTextLines(plan: Plan, style: Style): Generator<string> {
  for (const op of plan.operations) yield* operationLines(op, style);
  if (plan.operations.length > 0) yield '';
  const lines: string[] = [];
  for (const entry of plan.unverified) {
    const pushable = entry.fields.filter((field) => field !== 'oauth2_server_metadata_url');
    if (pushable.length > 0)
      lines.push(
        style.warn(
          `  ? ${forTerminal(entry.name)}: ${pushable.join(' and ')} not verified (write-only: the API never returns them; ` +
            `--push-secrets ${forTerminal(entry.name)} sends them again)`,
        ),
      );
    if (pushable.length < entry.fields.length)
      lines.push(
        style.warn(
          `  ? ${forTerminal(entry.name)}: oauth2_server_metadata_url not verified (the API takes it only at create and never ` +
            'returns it; no record of the URL it was created with)',
        ),
      );
  }
  if (plan.orphans.length > 0) {
    lines.push(
      style.dim(`  not in the desired state, kept (--prune deletes them): ${listNames(plan.orphans)}`),
    );
  }
  for (const entry of plan.agents?.used_by ?? []) {
    lines.push(style.dim(forTerminal(`  ${entry.name}: ${usedByText(entry.agents)}`)));
  }
  const unread = plan.agents && agentsUnreadText(plan.agents);
  if (unread) lines.push(style.warn(forTerminal(`  warning: ${unread}`)));
  for (const warning of plan.warnings) {
    const place = warning.source ? `${warning.source.file}:${warning.source.line}: ` : '';
    lines.push(style.warn(forTerminal(`  ${warning.held ? 'held' : 'warning'}: ${place}${warning.message}`)));
  }
  for (const refusal of plan.refusals) {
    const allow = refusal.flag.startsWith('--') ? `allow it with ${refusal.flag}` : refusal.flag;
    lines.push(style.remove(`  refused: ${forTerminal(refusal.message)}`), `    ${allow}`);
  }
  if (lines.length > 0) lines.push('');
  lines.push(style.bold(planSummary(plan)));
  yield* lines;
}

/**
 * "Plan: 1 to create, 2 to update, 3 in sync."; "No changes." only when nothing is held back either
 * (a held connector is a change nobody may make yet, not a workspace in sync).
 */
export function planSummary(plan: Plan): string {
  const count = (kind: Operation['kind']) =>
    plan.operations.filter((op) => op.kind === kind && !op.temporary).length;
  const parts = [
    [count('create'), 'to create'],
    [count('update'), 'to update'],
    [count('rename'), 'to rename'],
    [count('replace'), 'to replace'],
    [count('delete'), 'to delete'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  const held = heldBack(plan);
  if (held > 0) parts.push(`${held} held back`);
  // a connector whose write-only values could not be compared is not known to be in sync
  const in_sync = plan.in_sync.length;
  const unverified =
    plan.unverified.length > 0 ? `, ${plan.unverified.length} unverified (write-only values)` : '';
  if (parts.length === 0)
    return `No changes. ${in_sync} connector${in_sync === 1 ? '' : 's'} in sync${unverified}.`;
  return `Plan: ${parts.join(', ')}, ${in_sync} in sync${unverified}.`;
}

function operationLines(op: Operation, style: Style): string[] {
  const colour = op.kind === 'create' ? style.add : op.destructive ? style.remove : style.change;
  const title = forTerminal(
    op.kind === 'rename'
      ? `${op.renamed_from} → ${op.name}${op.temporary ? ' (temporary name, to swap names)' : ''}`
      : op.name,
  );
  const place = op.source ? style.dim(forTerminal(`  ${op.source.file}:${op.source.line}`)) : '';
  const destructive = op.destructive ? style.remove(' (destructive: agents using it lose it)') : '';
  const lines = [colour(`  ${SYMBOL[op.kind]} ${op.kind.padEnd(7)} ${title}`) + destructive + place];
  for (const change of op.changes) {
    if (change.field === 'name') continue;
    if (op.kind === 'create' || op.kind === 'replace')
      lines.push(`      ${change.field}: ${showValue(change.after)}`);
    else if (isLongText(change.before, change.after)) {
      lines.push(
        `      ${change.field}:`,
        ...textDiff(change.field, change.before, change.after).map(
          (l) => `        ${diffColour(forTerminal(l), style)}`,
        ),
      );
    } else lines.push(`      ${change.field}: ${showValue(change.before)} → ${showValue(change.after)}`);
  }
  if (op.visibility?.via === 'create') lines.push(`      visibility: ${op.visibility.to}`);
  else if (op.visibility) {
    const how = op.visibility.via === 'replace' ? 'delete, then create' : op.visibility.via;
    lines.push(forTerminal(`      visibility: ${op.visibility.from} → ${op.visibility.to} (${how})`));
  }
  if (op.secrets)
    lines.push(`      ${op.secrets.fields.join(', ')}: (write-only) ${SECRET_REASON[op.secrets.reason]}`);
  const activation = activationText(op);
  if (activation) lines.push(`      ${activation}`);
  for (const text of credentialTexts(op)) lines.push(forTerminal(`      ${text}`));
  return lines;
}

/** One line per applied operation, for the apply log. */
export function resultLine(result: OperationResult, style: Style): string {
  const { operation: op } = result;
  const what = forTerminal(
    op.kind === 'rename' ? `rename ${op.renamed_from} → ${op.name}` : `${op.kind} ${op.name}`,
  );
  const note = result.note ? style.dim(forTerminal(` (${result.note})`)) : '';
  if (result.status === 'applied') return `  ${style.add('✓')} ${what}${note}`;
  if (result.status === 'skipped') return `  ${style.warn('-')} ${what} skipped${note}`;
  const hint = result.cause?.hint ? `\n      hint: ${forTerminal(result.cause.hint)}` : '';
  return `  ${style.remove('✗')} ${what} failed: ${forTerminal(result.cause?.message ?? 'unknown error')}${hint}`;
}

function diffColour(line: string, style: Style): string {
  if (line.startsWith('+')) return style.add(line);
  if (line.startsWith('-')) return style.remove(line);
  return style.dim(line);
}

/** Names for a terminal, the first `limit` of them and how many more. */
export function listNames(all: readonly string[], limit = 20): string {
  const names = all.map(forTerminal);
  return names.length <= limit
    ? names.join(', ')
    : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}
