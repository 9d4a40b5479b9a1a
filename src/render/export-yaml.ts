import { stringify } from 'yaml';
import type { RemoteConnector } from '../api/types.js';
import { normalizeField } from '../reconcile/normalize.js';

/** The file name `export` writes a connector to. */
export function exportFileName(connector: RemoteConnector): string {
  return `${connector.name}.yaml`;
}

/**
 * A remote connector as a connector file that `validate` accepts and `sync` then reports as in sync.
 * Write-only fields cannot be exported (the API never returns them): when the connector uses OAuth,
 * the file carries a commented `auth_data` with `${env:...}` placeholders to fill in, never a value.
 */
export function connectorToYaml(connector: RemoteConnector, schemaPath: string): string {
  const document: Record<string, string> = { name: connector.name };
  const title = normalizeField('title', connector.title);
  if (title !== null) document.title = title;
  document.description = connector.description ?? '';
  document.server = connector.server ?? '';
  document.visibility = connector.visibility;
  const icon = normalizeField('icon_url', connector.icon_url);
  if (icon !== null) document.icon_url = connector.icon_url!;
  const prompt = normalizeField('system_prompt', connector.system_prompt);
  if (prompt !== null) document.system_prompt = prompt.includes('\n') ? `${prompt}\n` : prompt;
  const body = stringify(document, { lineWidth: 0, blockQuote: 'literal' });
  return `# yaml-language-server: $schema=${schemaPath}\n# Exported by connector-sync from the workspace.\n${body}${oauthHint(connector)}`;
}

/** True when the connector authenticates with OAuth (so it was created with auth_data). */
export function usesOAuth(connector: RemoteConnector): boolean {
  if (connector.is_authenticated === true || connector.is_authenticated === false) return true;
  return (connector.supported_auth_methods ?? []).some((method) => method.method_type === 'oauth2');
}

function oauthHint(connector: RemoteConnector): string {
  if (!usesOAuth(connector)) return '';
  const prefix = connector.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return [
    '# auth_data is write-only: the API does not return it. To manage it from this file, uncomment',
    '# these lines and provide the values through the environment or secret files:',
    '# auth_data:',
    `#   client_id: \${env:${prefix}_CLIENT_ID}`,
    `#   client_secret: \${env:${prefix}_CLIENT_SECRET}`,
    '',
  ].join('\n');
}
