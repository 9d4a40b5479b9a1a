import type { RemoteConnector } from '../api/types.js';
import { normalizeField } from '../reconcile/normalize.js';
import { yaml } from '../yaml.js';

const { stringify } = yaml;

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
  const document: Record<string, unknown> = { name: connector.name };
  const title = normalizeField('title', connector.title);
  if (title !== null) document.title = title;
  document.description = connector.description ?? '';
  document.server = connector.server ?? '';
  document.visibility = connector.visibility;
  const icon = normalizeField('icon_url', connector.icon_url);
  if (icon !== null) document.icon_url = connector.icon_url!;
  const prompt = normalizeField('system_prompt', connector.system_prompt);
  if (prompt !== null) document.system_prompt = prompt.includes('\n') ? `${prompt}\n` : prompt;
  const method = shownMethod(connector);
  const { plain, secret } = shownHeaders(method);
  if (Object.keys(plain).length > 0) document.global_headers = plain;
  const metadata = shownMetadata(method);
  if (metadata !== null) document.oauth2_server_metadata = metadata;
  const { bearer, headers } = shownCredentials(connector);
  if (bearer.length > 0) document.credentials = bearer;
  const body = stringify(document, { lineWidth: 0, blockQuote: 'literal' });
  return `# yaml-language-server: $schema=${schemaPath}\n# Exported by connector-sync from the workspace.\n${body}${secretHeadersHint(connector, secret, Object.keys(plain).length > 0)}${oauthHint(connector)}${headerCredentialsHint(headers, bearer.length > 0)}${ACTIVE_FOR_HINT}`;
}

const ACTIVE_FOR_HINT = [
  '# active_for is not exported: the API does not show in which scopes (user, workspace, organization)',
  '# a connector is active. Declare it to manage activation; the list is then the whole truth.',
  '',
].join('\n');

const SCOPES: Record<string, string> = { user: 'user', workspace: 'workspace', org: 'organization' };

/**
 * The non-OAuth credentials the listing shows: names, titles and defaults; values are write-only,
 * so a bearer token becomes an `${env:...}` placeholder. Header credentials cannot be written back
 * (the API shows neither their header names nor values): they are left as comments.
 */
function shownCredentials(connector: RemoteConnector): { bearer: Shown[]; headers: Shown[] } {
  const bearer: Shown[] = [];
  const headers: Shown[] = [];
  const prefix = connector.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  for (const credential of connector.connection_credentials ?? []) {
    const scope = SCOPES[credential.scope];
    if (scope === undefined || credential.authentication_type === 'oauth2') continue;
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(credential.name)) continue;
    const entry: Shown = { name: credential.name, scope };
    if (typeof credential.title === 'string' && credential.title !== '') entry.title = credential.title;
    if (credential.is_default === true) entry.default = true;
    const variable = `${prefix}_${scope}_${credential.name}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
    if (credential.authentication_type === 'bearer')
      bearer.push({ ...entry, bearer_token: `\${env:${variable}_BEARER_TOKEN}` });
    else headers.push(entry);
  }
  return { bearer, headers };
}

function headerCredentialsHint(headers: Shown[], underList: boolean): string {
  if (headers.length === 0) return '';
  return [
    '# These credentials hold headers, whose names and values the API does not show. To manage them',
    '# from this file, uncomment them (under `credentials:`) and name the headers they send:',
    ...(underList ? [] : ['# credentials:']),
    ...headers.flatMap((entry) => [
      `#   - name: ${String(entry.name)}`,
      `#     scope: ${String(entry.scope)}`,
      ...(entry.title === undefined ? [] : [`#     title: ${JSON.stringify(entry.title)}`]),
      ...(entry.default === true ? ['#     default: true'] : []),
      `#     headers: { X-Example: $\{env:EXAMPLE} }`,
    ]),
    '',
  ].join('\n');
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

type Shown = Record<string, unknown>;

function isMap(value: unknown): value is Shown {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The auth method whose headers and metadata the API shows (the OAuth one first). */
function shownMethod(connector: RemoteConnector): Shown | undefined {
  const methods = (connector.supported_auth_methods ?? []).filter(isMap);
  return methods.find((m) => m.method_type === 'oauth2') ?? methods.find((m) => isMap(m.global_headers));
}

/** HTTP header names, as the connector schema allows them (a remote name outside it is not exported). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Non-secret headers with their values (compared by sync), and the names of the secret ones. */
function shownHeaders(method: Shown | undefined): { plain: Record<string, Shown>; secret: string[] } {
  const plain: Record<string, Shown> = {};
  const secret: string[] = [];
  for (const [name, entry] of Object.entries(isMap(method?.global_headers) ? method.global_headers : {})) {
    if (!HEADER_NAME.test(name) || !isMap(entry)) continue;
    if (entry.is_secret !== false) secret.push(name);
    else if (typeof entry.value === 'string' && !/[\r\n\0]/.test(entry.value))
      plain[name] = { value: entry.value.replaceAll('${', '$${'), is_secret: false };
  }
  return { plain, secret };
}

// the keys the connector schema takes (ExtendedOAuthServerMetadata); others are left out
const METADATA_KEYS = new Set(
  'issuer authorization_endpoint token_endpoint registration_endpoint scopes_supported response_types_supported response_modes_supported grant_types_supported token_endpoint_auth_methods_supported token_endpoint_auth_signing_alg_values_supported service_documentation ui_locales_supported op_policy_uri op_tos_uri revocation_endpoint revocation_endpoint_auth_methods_supported revocation_endpoint_auth_signing_alg_values_supported introspection_endpoint introspection_endpoint_auth_methods_supported introspection_endpoint_auth_signing_alg_values_supported code_challenge_methods_supported client_id_metadata_document_supported x_source x_resource_url x_scope'.split(
    ' ',
  ),
);

/** The OAuth server metadata the API shows, without nulls and unknown keys; null without the required endpoints. */
function shownMetadata(method: Shown | undefined): Shown | null {
  if (!isMap(method?.oauth2_server_metadata)) return null;
  const kept = Object.entries(method.oauth2_server_metadata).filter(
    ([key, value]) => METADATA_KEYS.has(key) && value !== null && value !== undefined,
  );
  const metadata = Object.fromEntries(kept);
  const required = ['issuer', 'authorization_endpoint', 'token_endpoint'];
  return required.every((key) => typeof metadata[key] === 'string') ? metadata : null;
}

/** Secret headers cannot be exported (the API shows only their names): placeholders to fill in, commented. */
function secretHeadersHint(connector: RemoteConnector, names: string[], underPlain: boolean): string {
  if (names.length === 0) return '';
  const prefix = connector.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return [
    '# These headers are secret: the API shows their names, never their values. To manage them from',
    '# this file, uncomment these lines (under `global_headers:`) and provide the values through the environment:',
    ...(underPlain ? [] : ['# global_headers:']),
    ...names.map(
      (name) => `#   ${name}: \${env:${prefix}_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}}`,
    ),
    '',
  ].join('\n');
}
