/**
 * What the emulator does with each field of each request the vendored OpenAPI document defines,
 * as dotted paths (`[]` an array's items, `{}` a map's values, `.*` every field below): `read`
 * fields are validated and kept, `ignored` ones are accepted and dropped, as the API's framework
 * drops a field it does not use. `npm run spec:check` (test/spec/spec-check.test.ts) fails when
 * the two together are not exactly the document's fields, so a field the document gains or loses
 * is noticed here. Operations the emulator does not serve are `unused`. Nothing at run time reads
 * this table.
 */

/** The fields of one part of a request. */
export interface EmulatorFieldSplit {
  read: readonly string[];
  ignored: readonly string[];
}

/** One operation of the document. */
export interface EmulatorWireRow {
  use: 'used' | 'unused';
  body?: EmulatorFieldSplit;
  query?: EmulatorFieldSplit;
}

const GLOBAL_HEADERS = [
  'global_headers',
  'global_headers{}',
  'global_headers{}.value',
  'global_headers{}.is_secret',
];
const UNUSED: EmulatorWireRow = { use: 'unused' };

/** The strict emulator: every field of a create or update is read (checked, kept or refused). */
export const EMULATOR_WIRE_FIELDS: Readonly<Record<string, EmulatorWireRow>> = {
  connector_list_v1: { use: 'used', query: { read: ['page_size', 'cursor', 'active'], ignored: [] } },
  connector_get_v1: { use: 'used', query: { read: ['fetch_user_data', 'fetch_customer_data'], ignored: [] } },
  connector_create_v1: {
    use: 'used',
    body: {
      read: [
        'protocol',
        'name',
        'title',
        'description',
        'icon_url',
        'visibility',
        'server',
        // the organization-level store, kept apart: no update reaches it
        'headers',
        'headers{}',
        ...GLOBAL_HEADERS,
        'auth_data',
        'auth_data.client_id',
        'auth_data.client_secret',
        'oauth2_server_metadata',
        'oauth2_server_metadata.*',
        'oauth2_server_metadata_url',
        'system_prompt',
      ],
      ignored: [],
    },
  },
  connector_update_v1: {
    use: 'used',
    body: {
      read: [
        'protocol',
        'name',
        'title',
        'description',
        'icon_url',
        'system_prompt',
        'server',
        'auth_methods',
        'auth_methods[]',
        ...[
          'method_type',
          'auth_direction',
          'headers',
          'headers[]',
          'headers[].name',
          'headers[].is_required',
          'headers[].is_secret',
          ...GLOBAL_HEADERS,
          'oauth2_metadata_secrets',
          'oauth2_metadata_secrets.client_id',
          'oauth2_metadata_secrets.client_secret',
          'oauth2_metadata_secrets.client_id_issued_at',
          'oauth2_metadata_secrets.client_secret_expires_at',
          'oauth2_server_metadata',
          'oauth2_server_metadata.*',
        ].map((field) => `auth_methods[].${field}`),
      ],
      ignored: [],
    },
  },
  connector_delete_v1: { use: 'used' },
  connector_share_v1: { use: 'used' },
  connector_unshare_v1: { use: 'used' },
  connector_get_auth_url_v1: {
    use: 'used',
    query: {
      read: ['app_return_url', 'method_type', 'github_installation_link'],
      ignored: ['credentials_name', 'credentials_title'],
    },
  },
  connector_list_tools_v1: {
    use: 'used',
    query: { read: ['page', 'page_size', 'refresh', 'pretty'], ignored: ['credentials_name'] },
  },
  connector_activate_for_consumer_v1: { use: 'used' },
  connector_deactivate_for_consumer_v1: { use: 'used' },
  connector_get_authentication_methods_v1: { use: 'used' },
  ...credentialRows('organization'),
  ...credentialRows('workspace'),
  ...credentialRows('user'),
  connector_delete_all_user_credentials_v1: { use: 'used' },
  connector_call_tool_v1: UNUSED,
  // the read side of the Agents API (src/emulator/agents.ts); filters are accepted and not applied
  agents_api_v1_agents_list_pages: {
    use: 'used',
    query: {
      read: ['page_size', 'page_token'],
      ignored: ['deployment_chat', 'sources', 'name', 'search', 'id', 'metadata'],
    },
  },
  agents_api_v1_agents_get: { use: 'used', query: { read: [], ignored: ['agent_version'] } },
  agents_api_v1_agents_list_versions: { use: 'used', query: { read: ['page', 'page_size'], ignored: [] } },
  agents_api_v1_agents_get_version: { use: 'used' },
  agents_api_v1_agents_list_version_aliases: { use: 'used' },
  agents_api_v1_agents_create: UNUSED,
  agents_api_v1_agents_list: UNUSED,
  agents_api_v1_agents_update: UNUSED,
  agents_api_v1_agents_delete: UNUSED,
  agents_api_v1_agents_update_version: UNUSED,
  agents_api_v1_agents_create_or_update_alias: UNUSED,
  agents_api_v1_agents_delete_alias: UNUSED,
};

/** The credentials operations of one consumer scope: listed by type, set with values never echoed. */
function credentialRows(scope: 'organization' | 'workspace' | 'user'): Record<string, EmulatorWireRow> {
  return {
    [`connector_list_${scope}_credentials_v1`]: {
      use: 'used',
      query: { read: ['auth_type', 'fetch_default'], ignored: [] },
    },
    [`connector_create_or_update_${scope}_credentials_v1`]: {
      use: 'used',
      body: { read: ['name', 'title', 'is_default', 'credentials', 'credentials.*'], ignored: [] },
    },
    [`connector_delete_${scope}_credentials_v1`]: { use: 'used' },
  };
}
