import {
  type ConnectorComparison,
  countStatuses,
  type EnvironmentComparison,
  type FieldDifference,
  isEquivalent,
} from '../reconcile/compare-environments.js';
import { forMarkdown, forTerminal, markdownCode, markdownTableRow } from './escape.js';
import type { Style } from './style.js';
import { showValue } from './values.js';

type Part = 'declared' | 'remote';

const TITLE: Record<Part, string> = { declared: 'As declared', remote: 'As they are' };

function statusText(entry: ConnectorComparison, c: EnvironmentComparison): string {
  switch (entry.status) {
    case 'only-a':
      return `only in ${c.a}`;
    case 'only-b':
      return `only in ${c.b}`;
    case 'same':
      return 'same';
    case 'differs':
      return entry.expected ? 'differs as the vars say' : 'differs';
  }
}

function summary(entries: readonly ConnectorComparison[], c: EnvironmentComparison): string {
  const n = countStatuses(entries);
  return `${n.same} same, ${n.differs} differ, ${n['only-a']} only in ${c.a}, ${n['only-b']} only in ${c.b}`;
}

function varsNote(field: FieldDifference): string {
  return field.vars ? ` (expected: ${field.vars.map((v) => `\${var:${v}}`).join(', ')})` : '';
}

/** The comparison for people: a section per part, the connectors that are not the same, their fields. */
export function renderEnvironmentDiffText(c: EnvironmentComparison, style: Style): string {
  const lines: string[] = [];
  for (const part of ['declared', 'remote'] as const) {
    const entries = c[part];
    const heading = `${TITLE[part]} (${c.a} vs ${c.b})`;
    if (entries === null) {
      lines.push(style.dim(`${forTerminal(heading)}: not compared (--offline)`), '');
      continue;
    }
    lines.push(style.bold(forTerminal(`${heading}: ${summary(entries, c)}`)));
    for (const entry of entries.filter((e) => e.status !== 'same')) {
      const symbol = { 'only-a': '<', 'only-b': '>', differs: '~', same: '=' }[entry.status];
      const paint = entry.expected ? style.dim : entry.status === 'differs' ? style.change : style.warn;
      lines.push(paint(forTerminal(`  ${symbol} ${entry.name}: ${statusText(entry, c)}`)));
      for (const field of entry.fields)
        lines.push(
          `      ${forTerminal(field.field)}: ${showValue(field.a)} | ${showValue(field.b)}${varsNote(field)}`,
        );
    }
    lines.push('');
  }
  lines.push(
    isEquivalent(c)
      ? `${forTerminal(c.a)} and ${forTerminal(c.b)} are equivalent (differences only where their vars differ).`
      : `${forTerminal(c.a)} and ${forTerminal(c.b)} differ.`,
  );
  return `${lines.join('\n')}\n`;
}

/** The comparison as JSON (version 1): every connector name with its status and differing fields. */
export function environmentDiffJson(c: EnvironmentComparison): Record<string, unknown> {
  const part = (entries: readonly ConnectorComparison[] | null) =>
    entries === null ? null : { counts: countStatuses(entries), connectors: entries };
  return {
    version: 1,
    environments: [c.a, c.b],
    equivalent: isEquivalent(c),
    declared: part(c.declared),
    remote: part(c.remote),
  };
}

/** The comparison in Markdown: a table of the connectors that are not the same, per part. */
export function renderEnvironmentDiffMarkdown(c: EnvironmentComparison): string {
  const a = markdownCode(c.a);
  const b = markdownCode(c.b);
  const lines = [`### connector-sync diff: ${a} vs ${b}`, ''];
  lines.push(
    isEquivalent(c) ? '✅ Equivalent (differences only where their vars differ).' : '⚠️ They differ.',
    '',
  );
  for (const part of ['declared', 'remote'] as const) {
    const entries = c[part];
    if (entries === null) {
      lines.push(`**${TITLE[part]}**: not compared (offline).`, '');
      continue;
    }
    lines.push(`**${TITLE[part]}**: ${forMarkdown(summary(entries, c))}`, '');
    const rows = entries.filter((e) => e.status !== 'same');
    if (rows.length === 0) continue;
    lines.push(`| connector | status | field | ${a} | ${b} |`, '| --- | --- | --- | --- | --- |');
    for (const entry of rows) {
      const head = [markdownCode(entry.name), forMarkdown(statusText(entry, c))];
      if (entry.fields.length === 0) lines.push(markdownTableRow(...head, '', '', ''));
      for (const field of entry.fields)
        lines.push(
          markdownTableRow(
            ...head,
            `${markdownCode(field.field)}${forMarkdown(varsNote(field))}`,
            cell(field.a),
            cell(field.b),
          ),
        );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function cell(value: string | null): string {
  // a table cell is one line
  return value === null ? '(empty)' : markdownCode(value.replace(/\n/g, ' ').slice(0, 200));
}
