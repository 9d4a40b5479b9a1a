import type { ConfigIssue, DesiredConnector } from './types.js';

/**
 * `validate`'s warning about private connectors (a connector without `visibility:` is private):
 * an API key with the default connector access scope, "Shared connectors only", cannot list or
 * read them after creating them. Said once, with the count and the first place, not per connector.
 */
export function privateConnectorsWarning(connectors: readonly DesiredConnector[]): ConfigIssue | null {
  const declared = connectors.filter((c) => c.visibility === 'private');
  const first = declared[0];
  if (first === undefined) return null;
  const count = declared.length === 1 ? '1 connector is' : `${declared.length} connectors are`;
  const place = first.fieldSources.visibility ?? first.source;
  return {
    code: 'private-needs-key-scope',
    severity: 'warning',
    message:
      `${count} private (${first.name} first; no \`visibility:\` means private): an API key with the ` +
      'default connector access scope, "Shared connectors only", cannot see private connectors, even ' +
      'its own, and sync would stop after creating them. Use a key created with "Private and shared ' +
      'connectors", or declare `visibility: shared_workspace`.',
    location: place,
  };
}
