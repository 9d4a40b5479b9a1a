import { type ConnectorSite, own } from './connector.js';
import { formatKeyPath, formatLocation, makeIssue, quoteValue } from './issues.js';
import { locateValue } from './positions.js';
import { isValidName } from './schema.js';
import type { ConfigIssue, SourceLocation } from './types.js';

/** A connector's name and `renamed_from`, with their places: all the cross-file checks need. */
export interface Named {
  name: string;
  at: SourceLocation;
  renamedFrom?: { name: string; at: SourceLocation; key: string };
  key: string;
}

/** The name entry of a connector mapping, or null when it has no valid name. */
export function nameEntry(site: ConnectorSite): Named | null {
  const name = own(site.data, 'name');
  if (!isValidName(name)) return null;
  const entry: Named = {
    name,
    at: locateValue(site, [...site.prefix, 'name']),
    key: formatKeyPath([...site.prefix, 'name']),
  };
  const renamed = own(site.data, 'renamed_from');
  if (isValidName(renamed)) {
    const segments = [...site.prefix, 'renamed_from'];
    entry.renamedFrom = { name: renamed, at: locateValue(site, segments), key: formatKeyPath(segments) };
  }
  return entry;
}

/**
 * Cross-checks names over the whole desired state: a name declared twice (both places named),
 * a `renamed_from` that is still declared (unless that connector is renamed away too: a swap or a
 * chain), or is the connector's own name, two connectors
 * renamed from the same old name. Checks every connector with a valid name, even in a document with
 * other errors, so one run reports them all.
 */
export function nameIssues(named: readonly Named[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const firstByName = new Map<string, Named>();
  for (const entry of named) {
    const first = firstByName.get(entry.name);
    if (first === undefined) {
      firstByName.set(entry.name, entry);
      continue;
    }
    issues.push(
      makeIssue(
        'duplicate-name',
        `connector name ${quoteValue(entry.name)} is declared twice: at ${formatLocation(first.at)} and at ${formatLocation(entry.at)}`,
        entry.at,
        { key: entry.key, related: [first.at] },
      ),
    );
  }
  const renamers = new Map<string, Named>();
  for (const entry of named) {
    const renamed = entry.renamedFrom;
    if (renamed === undefined) continue;
    if (renamed.name === entry.name) {
      issues.push(
        makeIssue(
          'rename-self',
          `\`renamed_from\` is the connector's own name ${quoteValue(entry.name)}; set it to the old name, or remove it`,
          renamed.at,
          { key: renamed.key },
        ),
      );
      continue;
    }
    const declared = firstByName.get(renamed.name);
    // a declared connector that is itself renamed away frees its old name: swaps and chains are fine
    if (declared !== undefined && declared.renamedFrom === undefined) {
      issues.push(
        makeIssue(
          'rename-collision',
          `\`renamed_from: ${renamed.name}\` names a connector still declared at ${formatLocation(declared.at)}; a rename needs the old name gone (remove \`renamed_from\` or that connector)`,
          renamed.at,
          { key: renamed.key, related: [declared.at] },
        ),
      );
    }
    const other = renamers.get(renamed.name);
    if (other === undefined) {
      renamers.set(renamed.name, entry);
    } else if (other.renamedFrom !== undefined) {
      issues.push(
        makeIssue(
          'duplicate-rename',
          `\`renamed_from: ${renamed.name}\` is also claimed by connector ${quoteValue(other.name)} at ${formatLocation(other.renamedFrom.at)}; only one connector can take over a name`,
          renamed.at,
          { key: renamed.key, related: [other.renamedFrom.at] },
        ),
      );
    }
  }
  return issues;
}
