import type { ConfigIssue } from '../config/types.js';
import { forTerminal } from './escape.js';

/** How to render: colour only when the caller decided the stream wants it (see wantsColor). */
export interface RenderOptions {
  color: boolean;
}

/** One connector as `validate` lists it. */
export interface ValidatedConnector {
  name: string;
  visibility: string;
  file: string;
  line: number;
}

/** What `validate` found; also the shape of `validate --output json` (schemas/validate-output.schema.json). */
export interface ValidateReport {
  version: 1;
  valid: boolean;
  connectors: ValidatedConnector[];
  /** Errors and warnings, in file order. */
  issues: ConfigIssue[];
}

const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], yellow: [33, 39] } as const;

function paint(text: string, style: keyof typeof STYLES, options: RenderOptions): string {
  if (!options.color) return text;
  const [on, off] = STYLES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `file:line:column`, or only the file for an issue about a path as a whole. */
export function issuePlace(issue: ConfigIssue): string {
  const { file, line, column } = issue.location;
  return line > 0 ? `${file}:${line}:${column}` : file;
}

/** One issue as a line, the way compilers print them: `file:line:column: error: message [code]`. */
export function renderIssue(issue: ConfigIssue, options: RenderOptions): string {
  const severity = paint(`${issue.severity}:`, issue.severity === 'error' ? 'red' : 'yellow', options);
  const place = paint(forTerminal(issuePlace(issue)), 'bold', options);
  return `${place}: ${severity} ${forTerminal(issue.message)} ${paint(`[${issue.code}]`, 'dim', options)}\n`;
}

/** Every issue, one per line, in the order given. */
export function renderIssuesText(issues: readonly ConfigIssue[], options: RenderOptions): string {
  return issues.map((issue) => renderIssue(issue, options)).join('');
}

/** The closing line of a failed validation: how many errors (and warnings), and how many files were read. */
export function renderFailureSummary(issues: readonly ConfigIssue[], filesRead: number): string {
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  const warnings = issues.length - errors;
  const read = filesRead === 0 ? 'no file read' : `${plural(filesRead, 'file')} read`;
  const warned = warnings > 0 ? ` and ${plural(warnings, 'warning')}` : '';
  return `found ${plural(errors, 'error')}${warned} (${read})\n`;
}

/** The connectors found, aligned in columns (name, visibility, where), and the "N connectors in M files" line. */
export function renderConnectorList(
  connectors: readonly ValidatedConnector[],
  fileCount: number,
  warnings: number,
  options: RenderOptions,
): string {
  const shown = connectors.map((c) => ({
    ...c,
    name: forTerminal(c.name),
    visibility: forTerminal(c.visibility),
    file: forTerminal(c.file),
  }));
  const nameWidth = Math.max(0, ...shown.map((c) => c.name.length));
  const visibilityWidth = Math.max(0, ...shown.map((c) => c.visibility.length));
  const lines = shown.map((c) => {
    const name = paint(c.name.padEnd(nameWidth), 'bold', options);
    return `${name}  ${c.visibility.padEnd(visibilityWidth)}  ${c.file}:${c.line}\n`;
  });
  const warned = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  lines.push(`${plural(connectors.length, 'connector')} in ${plural(fileCount, 'file')}${warned}\n`);
  return lines.join('');
}

/** `validate --output json`: the report as stable, indented JSON (version 1). */
export function renderValidateJson(report: ValidateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Issues as a JSON array (the same objects `validate --output json` carries under `issues`). */
export function renderIssuesJson(issues: readonly ConfigIssue[]): string {
  return `${JSON.stringify(issues, null, 2)}\n`;
}
