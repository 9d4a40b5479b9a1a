/**
 * What the API shows of a connector. Every response is built here from an explicit list of fields,
 * so the write-only `headers` and `auth_data` can never reach the wire, whatever the record holds.
 */
import { connectorTool } from './tools.js';
import type { ConnectorRecord, OwnerType, StoredVisibility } from './types.js';

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
  return record.auth_data !== null || (record.auth_methods?.includes('oauth2') ?? false);
}

/** The API's `supported_auth_methods`, without any secret (PublicAuthenticationMethod). */
function supportedAuthMethods(record: ConnectorRecord): Array<Record<string, unknown>> {
  const types = record.auth_methods ?? [usesOAuth(record) ? 'oauth2' : 'none'];
  return types.map((methodType) => ({
    method_type: methodType,
    headers: null,
    has_default_credentials: methodType === 'oauth2' ? record.auth_data !== null : record.headers !== null,
  }));
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
