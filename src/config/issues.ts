import type { ConfigIssue, SourceLocation } from './types.js';

/** One segment of a key path: a mapping key or a list index. */
export type KeySegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats a key path for people: `connectors[2].headers.Authorization`, quoting odd keys as `headers["X Y"]`. */
export function formatKeyPath(segments: readonly KeySegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:column`, or just `file` for issues about a path as a whole (line 0). */
export function formatLocation(location: SourceLocation): string {
  if (location.line <= 0) return location.file;
  return `${location.file}:${location.line}:${location.column}`;
}

/** A location for a path as a whole (a missing file, a directory): line and column 0. */
export function wholeFile(file: string): SourceLocation {
  return { file, line: 0, column: 0 };
}

interface IssueExtras {
  key?: string;
  related?: SourceLocation[];
  severity?: ConfigIssue['severity'];
}

/** Builds a ConfigIssue (an error unless told otherwise), leaving out absent optional fields. */
export function makeIssue(
  code: string,
  message: string,
  location: SourceLocation,
  extras: IssueExtras = {},
): ConfigIssue {
  // in the order of ConfigIssue's fields, so JSON output reads code, severity, message, key, location
  return {
    code,
    severity: extras.severity ?? 'error',
    message,
    ...(extras.key !== undefined && extras.key !== '' ? { key: extras.key } : {}),
    location,
    ...(extras.related !== undefined && extras.related.length > 0 ? { related: extras.related } : {}),
  };
}

/** Orders issues by file (in the order files were read), then line and column; stable otherwise. */
export function sortIssues<T extends Pick<ConfigIssue, 'location'>>(
  issues: readonly T[],
  fileOrder: readonly string[],
): T[] {
  const rank = new Map<string, number>();
  fileOrder.forEach((file, index) => {
    if (!rank.has(file)) rank.set(file, index);
  });
  const rankOf = (file: string) => rank.get(file) ?? Number.MAX_SAFE_INTEGER;
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        rankOf(a.issue.location.file) - rankOf(b.issue.location.file) ||
        a.issue.location.line - b.issue.location.line ||
        a.issue.location.column - b.issue.location.column ||
        a.index - b.index,
    )
    .map(({ issue }) => issue);
}

/** Quotes a user-supplied, non-secret value for a message, shortening very long ones. */
export function quoteValue(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `\`${shown}\``;
}
