/**
 * What the API shows of a connector. Every response is built here from an explicit list of fields,
 * so write-only values (create's headers, OAuth client secrets, secret global header values,
 * credential values) can never reach the wire, whatever the record holds.
 */
import { connectorTool } from './tools.js';
import {
  CONSUMER_SCOPES,
  type ConnectorRecord,
  type ConsumerScope,
  type OwnerType,
  type StoredAuthMethod,
  type StoredCredential,
  type StoredVisibility,
} from './types.js';

/** The emulated caller: one user in one workspace of one organization. */
export const EMULATED_USER_ID = '6f1c4c2e-8a51-4d2b-9a57-0c5e1d7a9b01';
const WORKSPACE_ID = '2b7e9d14-3c6a-4f8e-b1d2-5a9c8e7f6d02';
const ORG_ID = '9c4a1e7b-5d3f-4a2c-8e6b-1f0d9a8c7b03';

/** The owner a visibility implies (sharing transfers ownership to the workspace). */
export function ownerTypeFor(visibility: StoredVisibility): OwnerType {
  switch (visibility) {
    case 'private':
      return 'user';
    case 'shared_workspace':
      return 'workspace';
    case 'shared_org':
      return 'org';
    case 'shared_global':
      return 'system';
  }
}

function ownerId(owner: OwnerType): string | null {
  switch (owner) {
    case 'user':
      return EMULATED_USER_ID;
    case 'workspace':
      return WORKSPACE_ID;
    case 'org':
      return ORG_ID;
    case 'system':
      return null;
  }
}

/** True for connectors a person must authenticate through OAuth. */
export function usesOAuth(record: ConnectorRecord): boolean {
  return record.auth_methods.some((method) => method.method_type === 'oauth2');
}

/**
 * How a secret global header value is shown. The spec says secret values are "never returned in
 * clear" and "redacted only on JSON serialization": pydantic's SecretStr serializes as ten
 * asterisks, so that is what the emulator answers (not verified against the live API).
 */
export const REDACTED = '**********';

function hasDefaultCredentials(record: ConnectorRecord, method: StoredAuthMethod): boolean {
  if (method.method_type === 'oauth2') return method.oauth2_metadata_secrets?.client_id != null;
  const defaults = CONSUMER_SCOPES.some((scope) =>
    record.credentials[scope].some((c) => c.is_default && c.method_type === method.method_type),
  );
  return defaults || Object.keys(method.global_headers).length > 0 || record.org_headers !== null;
}

/** The API's PublicAuthenticationMethod list: "public view of an authentication method, without secrets". */
export function supportedAuthMethods(record: ConnectorRecord): Array<Record<string, unknown>> {
  return record.auth_methods
    .filter((method) => method.auth_direction === 'outbound' && method.method_type !== 'webhook')
    .map((method) => ({
      method_type: method.method_type,
      headers: method.headers,
      global_headers: Object.fromEntries(
        Object.entries(method.global_headers).map(([name, header]) => [
          name,
          { value: header.is_secret ? REDACTED : header.value, is_secret: header.is_secret },
        ]),
      ),
      has_default_credentials: hasDefaultCredentials(record, method),
      oauth2_server_metadata: method.oauth2_server_metadata,
    }));
}

/** The scope a credential shows (ConsumerType spells the organization `org`). */
const SHOWN_SCOPE: Record<ConsumerScope, string> = {
  user: 'user',
  workspace: 'workspace',
  organization: 'org',
};

/** One credential as AuthenticationConfiguration, values left out. */
export function presentCredential(
  credential: StoredCredential,
  scope: ConsumerScope,
): Record<string, unknown> {
  return {
    name: credential.name,
    title: credential.title,
    authentication_type: credential.method_type,
    scope: SHOWN_SCOPE[scope],
    status: credential.status,
    is_default: credential.is_default,
  };
}

/** `connection_credentials`: the OAuth grant once given, then every credential of every scope. */
function connectionCredentials(record: ConnectorRecord): Array<Record<string, unknown>> {
  const shown: Array<Record<string, unknown>> = [];
  if (usesOAuth(record) && record.is_authenticated) {
    shown.push({
      name: 'oauth2',
      title: null,
      authentication_type: 'oauth2',
      scope: 'user',
      status: record.oauth_status,
      is_default: true,
    });
  }
  for (const scope of CONSUMER_SCOPES) {
    for (const credential of record.credentials[scope]) shown.push(presentCredential(credential, scope));
  }
  return shown;
}

/** The Connector object of a response (the OpenAPI's Connector schema). */
export function presentConnector(record: ConnectorRecord): Record<string, unknown> {
  const discoveredAt = record.discovered_at ?? record.modified_at;
  return {
    id: record.id,
    name: record.name,
    title: record.title,
    description: record.description,
    created_at: record.created_at,
    modified_at: record.modified_at,
    server: record.server,
    protocol: 'mcp',
    icon_url: record.icon_url,
    owner_id: ownerId(record.owner_type),
    owner_type: record.owner_type,
    visibility: record.visibility,
    creator_id: record.mistral ? null : EMULATED_USER_ID,
    system_prompt: record.system_prompt,
    supported_auth_methods: supportedAuthMethods(record),
    connection_credentials: connectionCredentials(record),
    active: record.active,
    private_tool_execution: false,
    mistral: record.mistral,
    is_authenticated: usesOAuth(record) ? record.is_authenticated : null,
    tools:
      record.discovered_tools === null
        ? null
        : record.discovered_tools.map((tool) =>
            connectorTool(record.id, record.visibility, tool, discoveredAt),
          ),
  };
}
