/**
 * What the client puts on the wire, per operation of the vendored OpenAPI document
 * (../shared/api/connectors-openapi.yaml), as dotted field paths: `auth_data.client_id`, `[]` for
 * an array's items, `{}` for a map's values, and `.*` for every field below (a model passed
 * through whole). `npm run spec:check` (test/spec/spec-check.test.ts) fails when `sent` and
 * `declined` together are not exactly the document's fields, and the request contract test fails
 * when the client sends a field that is not in `sent`. Nothing at run time reads this table: it is
 * the client's half of the contract, kept beside the code that must honour it.
 */

/** The fields of one part of a request: those the client sends, and those it knowingly never sends. */
export interface FieldSplit {
  sent: readonly string[];
  declined: readonly string[];
}

/** One operation: `unused` ones are not called (yet); their fields are not described. */
export interface ClientWireRow {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The document's path template, without its `#...` suffix. */
  path: string;
  use: 'used' | 'unused';
  body?: FieldSplit;
  query?: FieldSplit;
}

const GLOBAL_HEADERS = [
  'global_headers',
  'global_headers{}',
  'global_headers{}.value',
  'global_headers{}.is_secret',
];

/** The fields of one AuthenticationMethodCreateOrUpdateRequest (an update's `auth_methods[]` item). */
const AUTH_METHOD = [
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
].map((field) => `auth_methods[].${field}`);

/**
 * What one `auth_methods[]` entry carries: the method and every declared value it holds. Header
 * specs and the direction describe a method the API owns; the client's issue and expiry times are
 * the API's to set.
 */
const AUTH_METHOD_SENT = [
  'method_type',
  ...GLOBAL_HEADERS,
  'oauth2_metadata_secrets',
  'oauth2_metadata_secrets.client_id',
  'oauth2_metadata_secrets.client_secret',
  'oauth2_server_metadata',
  'oauth2_server_metadata.*',
].map((field) => `auth_methods[].${field}`);

const NOTHING: FieldSplit = { sent: [], declined: [] };

/** Today's client: write-only values through global_headers and auth_methods; no activation or credentials yet. */
export const CLIENT_WIRE_FIELDS: Readonly<Record<string, ClientWireRow>> = {
  connector_list_v1: {
    method: 'GET',
    path: '/v1/connectors',
    use: 'used',
    query: { sent: ['page_size', 'cursor', 'active'], declined: [] },
  },
  connector_get_v1: {
    method: 'GET',
    path: '/v1/connectors/{connector_id_or_name}',
    use: 'used',
    // the listing carries everything the planner compares; user data is not connector-sync's
    query: { sent: [], declined: ['fetch_user_data', 'fetch_customer_data'] },
  },
  connector_create_v1: {
    method: 'POST',
    path: '/v1/connectors',
    use: 'used',
    body: {
      sent: [
        'name',
        'description',
        'server',
        'visibility',
        'title',
        'icon_url',
        'system_prompt',
        ...GLOBAL_HEADERS,
        'auth_data',
        'auth_data.client_id',
        'auth_data.client_secret',
        'oauth2_server_metadata',
        'oauth2_server_metadata.*',
        'oauth2_server_metadata_url',
      ],
      // `headers` is an organization-level store no update reaches: declared headers go in
      // global_headers, which auth_methods can rotate (README, "Which request carries what")
      declined: ['protocol', 'headers', 'headers{}'],
    },
  },
  connector_update_v1: {
    method: 'PATCH',
    path: '/v1/connectors/{connector_id}',
    use: 'used',
    body: {
      sent: [
        'name',
        'description',
        'server',
        'title',
        'icon_url',
        'system_prompt',
        'auth_methods',
        'auth_methods[]',
        ...AUTH_METHOD_SENT,
      ],
      declined: ['protocol', ...AUTH_METHOD.filter((field) => !AUTH_METHOD_SENT.includes(field))],
    },
  },
  connector_delete_v1: {
    method: 'DELETE',
    path: '/v1/connectors/{connector_id}',
    use: 'used',
    query: NOTHING,
  },
  connector_share_v1: {
    method: 'PUT',
    path: '/v1/connectors/{connector_id}/share',
    use: 'used',
    query: NOTHING,
  },
  connector_unshare_v1: {
    method: 'DELETE',
    path: '/v1/connectors/{connector_id}/share',
    use: 'used',
    query: NOTHING,
  },
  connector_get_auth_url_v1: {
    method: 'GET',
    path: '/v1/connectors/{connector_id_or_name}/auth_url',
    use: 'used',
    query: {
      sent: ['app_return_url'],
      declined: ['method_type', 'credentials_name', 'credentials_title', 'github_installation_link'],
    },
  },
  connector_list_tools_v1: {
    method: 'GET',
    path: '/v1/connectors/{connector_id_or_name}/tools',
    use: 'used',
    query: { sent: ['page', 'page_size', 'refresh', 'pretty'], declined: ['credentials_name'] },
  },
  // `active_for`: no body, no query
  connector_activate_for_consumer_v1: {
    method: 'POST',
    path: '/v1/connectors/{connector_id}/{consumer_scope}/activate',
    use: 'used',
    query: NOTHING,
  },
  connector_deactivate_for_consumer_v1: {
    method: 'POST',
    path: '/v1/connectors/{connector_id}/{consumer_scope}/deactivate',
    use: 'used',
    query: NOTHING,
  },
  connector_get_authentication_methods_v1: {
    method: 'GET',
    path: '/v1/connectors/{connector_id_or_name}/authentication_methods',
    use: 'unused',
  },
  ...credentialRows('organization'),
  ...credentialRows('workspace'),
  ...credentialRows('user'),
  // never: deletes every user credential at once; and calling tools is not connector-sync's job
  connector_delete_all_user_credentials_v1: {
    method: 'DELETE',
    path: '/v1/connectors/{connector_id_or_name}/user/credentials',
    use: 'unused',
  },
  connector_call_tool_v1: {
    method: 'POST',
    path: '/v1/connectors/{connector_id_or_name}/tools/{tool_name}/call',
    use: 'unused',
  },
  // the agents that use connectors, read to guard deletes and renames (../shared/api/agents-openapi.yaml)
  agents_api_v1_agents_list_pages: {
    method: 'GET',
    path: '/v1/agents/pages',
    use: 'used',
    // every agent the key may see: no filter, so none is missed
    query: {
      sent: ['page_size', 'page_token'],
      declined: ['deployment_chat', 'sources', 'name', 'search', 'id', 'metadata'],
    },
  },
  agents_api_v1_agents_list_version_aliases: {
    method: 'GET',
    path: '/v1/agents/{agent_id}/aliases',
    use: 'used',
    query: NOTHING,
  },
  agents_api_v1_agents_get_version: {
    method: 'GET',
    path: '/v1/agents/{agent_id}/versions/{version}',
    use: 'used',
    query: NOTHING,
  },
  // never: agents are read, not written; the deprecated list does not honour per-agent sharing
  agents_api_v1_agents_create: { method: 'POST', path: '/v1/agents', use: 'unused' },
  agents_api_v1_agents_list: { method: 'GET', path: '/v1/agents', use: 'unused' },
  agents_api_v1_agents_get: { method: 'GET', path: '/v1/agents/{agent_id}', use: 'unused' },
  agents_api_v1_agents_update: { method: 'PATCH', path: '/v1/agents/{agent_id}', use: 'unused' },
  agents_api_v1_agents_delete: { method: 'DELETE', path: '/v1/agents/{agent_id}', use: 'unused' },
  agents_api_v1_agents_update_version: {
    method: 'PATCH',
    path: '/v1/agents/{agent_id}/version',
    use: 'unused',
  },
  // one list of every version costs pages; the aliases say which versions count
  agents_api_v1_agents_list_versions: {
    method: 'GET',
    path: '/v1/agents/{agent_id}/versions',
    use: 'unused',
  },
  agents_api_v1_agents_create_or_update_alias: {
    method: 'PUT',
    path: '/v1/agents/{agent_id}/aliases',
    use: 'unused',
  },
  agents_api_v1_agents_delete_alias: {
    method: 'DELETE',
    path: '/v1/agents/{agent_id}/aliases',
    use: 'unused',
  },
};

/**
 * `credentials`: listed whole (no filter: prune needs every one), created or updated one at a time
 * with a bearer token or headers, deleted by name. OAuth tokens and GitHub installations are not
 * declared credentials.
 */
function credentialRows(scope: 'organization' | 'workspace' | 'user'): Record<string, ClientWireRow> {
  const path = `/v1/connectors/{connector_id_or_name}/${scope}/credentials`;
  return {
    [`connector_list_${scope}_credentials_v1`]: {
      method: 'GET',
      path,
      use: 'used',
      query: { sent: [], declined: ['auth_type', 'fetch_default'] },
    },
    [`connector_create_or_update_${scope}_credentials_v1`]: {
      method: 'POST',
      path,
      use: 'used',
      body: {
        sent: [
          'name',
          'title',
          'is_default',
          'credentials',
          'credentials.headers',
          'credentials.headers{}',
          'credentials.bearer_token',
        ],
        declined: ['credentials.oauth', 'credentials.oauth.*', 'credentials.github_installation_id'],
      },
      query: NOTHING,
    },
    [`connector_delete_${scope}_credentials_v1`]: {
      method: 'DELETE',
      path: `${path}/{credentials_name}`,
      use: 'used',
      query: NOTHING,
    },
  };
}
