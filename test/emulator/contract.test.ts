/**
 * Contract: every emulator answer, for every operation connector-sync uses and every error path,
 * validates against the schema ../shared/api/connectors-openapi.yaml gives that operation and
 * status. Statuses the document does not describe must at least have the loose error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type Answer, type CallOptions, call, seedConnector } from './helpers.js';
import {
  declaredProperties,
  describeErrors,
  documentedResponse,
  findOperation,
  looseError,
} from './openapi.js';

const covered = new Set<string>();
let emulator: RunningEmulator;

/** Calls an operation and checks the answer against the document; returns it for further checks. */
async function contract(
  operationId: string,
  expectedStatus: number,
  method: string,
  path: string,
  options?: CallOptions,
): Promise<Answer> {
  const answer = await call(emulator, method, path, options);
  expect(answer.status, `${operationId} ${method} ${path}: ${answer.text}`).toBe(expectedStatus);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const documented = documentedResponse(operationId, answer.status);
  if (documented) {
    expect(
      documented(answer.json),
      `${operationId} ${answer.status}: ${describeErrors(documented.errors)}`,
    ).toBe(true);
  } else {
    expect([401, 403, 404, 409, 413, 429]).toContain(answer.status);
    expect(looseError(answer.json), `${operationId} ${answer.status} error shape: ${answer.text}`).toBe(true);
  }
  covered.add(`${operationId} ${answer.status}`);
  return answer;
}

const OAUTH_METADATA = {
  issuer: 'https://auth.example.com',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
  scopes_supported: ['read'],
};

const CONNECTOR_FIELDS = declaredProperties('Connector');
const TOOL_FIELDS = declaredProperties('ConnectorTool');

/** No field the Connector schema does not declare (so no write-only field and nothing invented). */
function expectOnlyDeclaredFields(connector: Record<string, unknown>): void {
  const extra = Object.keys(connector).filter((key) => !CONNECTOR_FIELDS.has(key));
  expect(extra, `fields outside the Connector schema: ${extra.join(', ')}`).toEqual([]);
  for (const tool of (connector.tools as Array<Record<string, unknown>> | null) ?? []) {
    expect(Object.keys(tool).filter((key) => !TOOL_FIELDS.has(key))).toEqual([]);
  }
}

beforeAll(async () => {
  emulator = await startEmulator({
    seed: [
      seedConnector('docs_search', { visibility: 'shared_workspace' }),
      seedConnector('org_wide', { visibility: 'shared_org' }),
    ],
  });
});

afterAll(async () => {
  await emulator.close();
});

describe('the validators taken from the document', () => {
  it('refuse bodies the document does not allow (so a passing contract means something)', async () => {
    const answer = await call(emulator, 'GET', '/v1/connectors/docs_search');
    const connector = answer.json as Record<string, unknown>;
    const get = documentedResponse('connector_get_v1', 200)!;
    expect(get(connector)).toBe(true);
    expect(get({ ...connector, visibility: 'public' })).toBe(false);
    expect(get({ ...connector, created_at: 'yesterday' })).toBe(false);
    expect(get({ ...connector, id: 'not-a-uuid' })).toBe(false);
    const { owner_type: _dropped, ...withoutOwner } = connector;
    expect(get(withoutOwner)).toBe(false);
    expect(documentedResponse('connector_list_v1', 200)!({ items: [connector] })).toBe(false);
    expect(documentedResponse('connector_create_v1', 422)!({ detail: [{ loc: ['body'], msg: 'x' }] })).toBe(
      false,
    );
    expect(documentedResponse('connector_get_auth_url_v1', 200)!({ auth_url: 'x', ttl: '600' })).toBe(false);
    expect(documentedResponse('connector_list_tools_v1', 200)!([{ name: 'x' }, 3])).toBe(false);
    expect(looseError({ error: 'x' })).toBe(false);
  });
});

describe('emulator answers match connectors-openapi.yaml', () => {
  let created: Record<string, unknown>;
  let oauth: Record<string, unknown>;

  it('create: 201 with the Connector, 422 for every invalid body, 409 for a taken name', async () => {
    const answer = await contract('connector_create_v1', 201, 'POST', '/v1/connectors', {
      body: {
        name: 'deepwiki',
        description: 'DeepWiki MCP connector',
        server: 'https://mcp.deepwiki.com/mcp',
        visibility: 'private',
        title: 'DeepWiki',
        system_prompt: 'Use DeepWiki for public repositories.',
        headers: { 'X-Team-Key': 'header-value' },
      },
    });
    created = answer.json as Record<string, unknown>;
    expectOnlyDeclaredFields(created);
    oauth = (
      await contract('connector_create_v1', 201, 'POST', '/v1/connectors', {
        body: {
          name: 'gdocs',
          description: 'OAuth connector',
          server: 'https://gdocs.example.com/mcp',
          auth_data: { client_id: 'client', client_secret: 'secret' },
        },
      })
    ).json as Record<string, unknown>;
    for (const body of [
      {},
      { name: 'has space', description: 'x', server: 'https://a.example.com' },
      { name: 'a'.repeat(65), description: 'x', server: 'https://a.example.com' },
      { name: 'ok', description: 'x', server: 'not a url' },
      { name: 'ok', description: 'x', server: 'ftp://a.example.com' },
      { name: 'ok', description: 'x', server: 'https://a.example.com', visibility: 'shared_global' },
      { name: 'ok', description: 'x', server: 'https://a.example.com', title: 't'.repeat(256) },
      { name: 'ok', description: 'x', server: 'https://a.example.com', auth_data: { client_secret: 's' } },
      { name: 'ok', description: 'x', server: 'https://a.example.com', protocol: 'http' },
      [1, 2],
    ]) {
      const invalid = await contract('connector_create_v1', 422, 'POST', '/v1/connectors', { body });
      expect((invalid.json as { detail: unknown[] }).detail.length).toBeGreaterThan(0);
    }
    await contract('connector_create_v1', 422, 'POST', '/v1/connectors', { body: '{"name": ' });
    const declared = await contract('connector_create_v1', 201, 'POST', '/v1/connectors', {
      body: {
        name: 'declared_oauth',
        description: 'OAuth with provided metadata and global headers',
        server: 'https://declared.example.com/mcp',
        global_headers: { 'X-Key': { value: 'k' }, 'X-Plain': { value: 'p', is_secret: false } },
        oauth2_server_metadata: OAUTH_METADATA,
      },
    });
    expectOnlyDeclaredFields(declared.json as Record<string, unknown>);
    await contract('connector_create_v1', 201, 'POST', '/v1/connectors', {
      body: {
        name: 'metadata_url',
        description: 'OAuth metadata fetched from a URL',
        server: 'https://url.example.com/mcp',
        oauth2_server_metadata_url: 'https://auth.example.com/.well-known/oauth-authorization-server',
      },
    });
    await contract('connector_create_v1', 422, 'POST', '/v1/connectors', {
      body: {
        name: 'both_metadata',
        description: 'x',
        server: 'https://both.example.com/mcp',
        oauth2_server_metadata: OAUTH_METADATA,
        oauth2_server_metadata_url: 'https://auth.example.com/.well-known/oauth-authorization-server',
      },
    });
    await contract('connector_create_v1', 409, 'POST', '/v1/connectors', {
      body: { name: 'deepwiki', description: 'again', server: 'https://mcp.deepwiki.com/mcp' },
    });
  });

  it('list: 200 pages (first, middle, last, filtered) and 422 for bad parameters', async () => {
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page = await contract('connector_list_v1', 200, 'GET', `/v1/connectors?page_size=2${query}`);
      const body = page.json as {
        items: Array<Record<string, unknown>>;
        pagination: { next_cursor: string | null };
      };
      body.items.forEach(expectOnlyDeclaredFields);
      cursor = body.pagination.next_cursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBeGreaterThan(2);
    await contract('connector_list_v1', 200, 'GET', '/v1/connectors');
    await contract('connector_list_v1', 200, 'GET', '/v1/connectors?active=true&page_size=1000');
    for (const query of [
      'page_size=0',
      'page_size=1001',
      'page_size=ten',
      'cursor=not-a-cursor',
      'active=maybe',
    ]) {
      await contract('connector_list_v1', 422, 'GET', `/v1/connectors?${query}`);
    }
  });

  it('get: 200 by name and by id, 404 for an unknown one, 422 for a bad flag', async () => {
    const byName = await contract('connector_get_v1', 200, 'GET', '/v1/connectors/deepwiki');
    const byId = await contract('connector_get_v1', 200, 'GET', `/v1/connectors/${created.id}`);
    expect(byId.json).toEqual(byName.json);
    expectOnlyDeclaredFields(byName.json as Record<string, unknown>);
    await contract('connector_get_v1', 404, 'GET', '/v1/connectors/nothing_here');
    await contract('connector_get_v1', 404, 'GET', '/v1/connectors/0b0b0b0b-0000-4000-8000-000000000000');
    await contract('connector_get_v1', 422, 'GET', '/v1/connectors/deepwiki?fetch_user_data=perhaps');
  });

  it('update: 200 (fields outside the model ignored), 422 (name instead of UUID, bad fields), 404, 403 on a built-in, 409', async () => {
    const updated = await contract('connector_update_v1', 200, 'PATCH', `/v1/connectors/${created.id}`, {
      body: { description: 'Updated', title: 'DeepWiki 2', headers: { 'X-Team-Key': 'rotated' } },
    });
    expectOnlyDeclaredFields(updated.json as Record<string, unknown>);
    await contract('connector_update_v1', 200, 'PATCH', `/v1/connectors/${created.id}`, {
      body: { auth_methods: [{ method_type: 'none' }], protocol: 'mcp' },
    });
    await contract('connector_update_v1', 422, 'PATCH', '/v1/connectors/deepwiki', {
      body: { description: 'x' },
    });
    await contract('connector_update_v1', 200, 'PATCH', `/v1/connectors/${created.id}`, {
      body: { visibility: 'shared_workspace' },
    });
    expect(emulator.requestLog.at(-1)?.ignored).toEqual(['visibility']);
    const withHeaders = await contract('connector_update_v1', 200, 'PATCH', `/v1/connectors/${created.id}`, {
      body: {
        auth_methods: [
          {
            method_type: 'none',
            global_headers: {
              'X-Team-Key': { value: 'rotated' },
              'X-Region': { value: 'eu', is_secret: false },
            },
          },
        ],
      },
    });
    expectOnlyDeclaredFields(withHeaders.json as Record<string, unknown>);
    const withOAuth = await contract('connector_update_v1', 200, 'PATCH', `/v1/connectors/${oauth.id}`, {
      body: {
        auth_methods: [
          {
            method_type: 'oauth2',
            oauth2_metadata_secrets: { client_id: 'c', client_secret: 's' },
            oauth2_server_metadata: OAUTH_METADATA,
          },
        ],
      },
    });
    expectOnlyDeclaredFields(withOAuth.json as Record<string, unknown>);
    for (const body of [
      { auth_methods: [{ global_headers: {} }] },
      { auth_methods: [{ method_type: 'password' }] },
      { auth_methods: [{ method_type: 'none', global_headers: { X: { is_secret: true } } }] },
      {
        auth_methods: [
          { method_type: 'oauth2', oauth2_server_metadata: { issuer: 'https://i.example.com' } },
        ],
      },
      { auth_methods: 'oauth2' },
    ]) {
      await contract('connector_update_v1', 422, 'PATCH', `/v1/connectors/${created.id}`, { body });
    }
    await contract('connector_update_v1', 422, 'PATCH', `/v1/connectors/${created.id}`, {
      body: { server: 'nope', name: 'bad name!' },
    });
    await contract('connector_update_v1', 422, 'PATCH', `/v1/connectors/${created.id}`);
    await contract(
      'connector_update_v1',
      404,
      'PATCH',
      '/v1/connectors/0b0b0b0b-0000-4000-8000-000000000000',
      {
        body: { description: 'x' },
      },
    );
    const gmail = emulator.store.get('gmail')!;
    await contract('connector_update_v1', 403, 'PATCH', `/v1/connectors/${gmail.id}`, {
      body: { description: 'x' },
    });
    await contract('connector_update_v1', 409, 'PATCH', `/v1/connectors/${created.id}`, {
      body: { name: 'gdocs' },
    });
  });

  it('share and unshare: 200 MessageResponse, 422 for a name, 404, 409 for shared_org', async () => {
    await contract('connector_share_v1', 200, 'PUT', `/v1/connectors/${created.id}/share`);
    await contract('connector_share_v1', 200, 'PUT', `/v1/connectors/${created.id}/share`);
    await contract('connector_unshare_v1', 200, 'DELETE', `/v1/connectors/${created.id}/share`);
    await contract('connector_share_v1', 422, 'PUT', '/v1/connectors/deepwiki/share');
    await contract('connector_unshare_v1', 422, 'DELETE', '/v1/connectors/deepwiki/share');
    await contract(
      'connector_share_v1',
      404,
      'PUT',
      '/v1/connectors/0b0b0b0b-0000-4000-8000-000000000000/share',
    );
    const orgWide = emulator.store.get('org_wide')!;
    await contract('connector_unshare_v1', 409, 'DELETE', `/v1/connectors/${orgWide.id}/share`);
  });

  it('auth URL: 200 with auth_url and ttl for OAuth connectors, 422 otherwise, 404', async () => {
    const answer = await contract(
      'connector_get_auth_url_v1',
      200,
      'GET',
      `/v1/connectors/${oauth.name}/auth_url?app_return_url=${encodeURIComponent('https://app.example.com/back')}`,
    );
    expect((answer.json as { auth_url: string }).auth_url).toContain(
      encodeURIComponent('https://app.example.com/back'),
    );
    await contract('connector_get_auth_url_v1', 422, 'GET', '/v1/connectors/deepwiki/auth_url');
    await contract(
      'connector_get_auth_url_v1',
      422,
      'GET',
      `/v1/connectors/${oauth.name}/auth_url?method_type=magic`,
    );
    await contract(
      'connector_get_auth_url_v1',
      422,
      'GET',
      `/v1/connectors/${oauth.name}/auth_url?app_return_url=back`,
    );
    await contract('connector_get_auth_url_v1', 404, 'GET', '/v1/connectors/nothing_here/auth_url');
  });

  it('tools: 200 arrays (full, pretty, paged, refreshed), 422, 404, 403 before OAuth', async () => {
    const full = await contract('connector_list_tools_v1', 200, 'GET', '/v1/connectors/deepwiki/tools');
    expect((full.json as unknown[]).length).toBeGreaterThan(1);
    await contract('connector_list_tools_v1', 200, 'GET', '/v1/connectors/deepwiki/tools?pretty=true');
    await contract(
      'connector_list_tools_v1',
      200,
      'GET',
      '/v1/connectors/deepwiki/tools?page=2&page_size=1&refresh=true',
    );
    const afterDiscovery = await contract('connector_get_v1', 200, 'GET', '/v1/connectors/deepwiki');
    const tools = (afterDiscovery.json as { tools: unknown[] | null }).tools;
    expect(tools?.length).toBe((full.json as unknown[]).length);
    expectOnlyDeclaredFields(afterDiscovery.json as Record<string, unknown>);
    await contract('connector_list_tools_v1', 422, 'GET', '/v1/connectors/deepwiki/tools?page=0');
    await contract('connector_list_tools_v1', 422, 'GET', '/v1/connectors/deepwiki/tools?refresh=later');
    await contract('connector_list_tools_v1', 404, 'GET', '/v1/connectors/nothing_here/tools');
    await contract('connector_list_tools_v1', 403, 'GET', `/v1/connectors/${oauth.name}/tools`);
    emulator.markAuthenticated(String(oauth.name));
    await contract('connector_list_tools_v1', 200, 'GET', `/v1/connectors/${oauth.name}/tools`);
  });

  it('activate and deactivate per consumer scope: 200 MessageResponse, 422 for a name or an unknown scope, 404', async () => {
    for (const scope of ['user', 'workspace', 'organization']) {
      await contract(
        'connector_activate_for_consumer_v1',
        200,
        'POST',
        `/v1/connectors/${created.id}/${scope}/activate`,
      );
      await contract(
        'connector_deactivate_for_consumer_v1',
        200,
        'POST',
        `/v1/connectors/${created.id}/${scope}/deactivate`,
      );
    }
    await contract(
      'connector_activate_for_consumer_v1',
      422,
      'POST',
      '/v1/connectors/deepwiki/user/activate',
    );
    await contract(
      'connector_deactivate_for_consumer_v1',
      422,
      'POST',
      `/v1/connectors/${created.id}/team/deactivate`,
    );
    await contract(
      'connector_activate_for_consumer_v1',
      404,
      'POST',
      '/v1/connectors/0b0b0b0b-0000-4000-8000-000000000000/user/activate',
    );
  });

  it('credentials per scope: list, create or update, delete (one, or every user one), with their 422s', async () => {
    const ids = { organization: 'organization', workspace: 'workspace', user: 'user' } as const;
    for (const scope of Object.keys(ids)) {
      const at = `/v1/connectors/deepwiki/${scope}/credentials`;
      await contract(`connector_create_or_update_${scope}_credentials_v1`, 200, 'POST', at, {
        body: { name: 'ci', title: 'CI token', credentials: { bearer_token: 'b' } },
      });
      await contract(`connector_create_or_update_${scope}_credentials_v1`, 200, 'POST', at, {
        body: { name: 'team', is_default: true, credentials: { headers: { 'X-Team': 't' } } },
      });
      await contract(`connector_create_or_update_${scope}_credentials_v1`, 422, 'POST', at, {
        body: { title: 'no name' },
      });
      await contract(`connector_create_or_update_${scope}_credentials_v1`, 422, 'POST', at, {
        body: { name: 'ci', is_default: false },
      });
      const listed = await contract(`connector_list_${scope}_credentials_v1`, 200, 'GET', at);
      expect(
        (listed.json as { credentials: Array<{ name: string }> }).credentials.map((c) => c.name),
      ).toEqual(['ci', 'team']);
      await contract(
        `connector_list_${scope}_credentials_v1`,
        200,
        'GET',
        `${at}?auth_type=bearer&fetch_default=true`,
      );
      await contract(`connector_list_${scope}_credentials_v1`, 422, 'GET', `${at}?auth_type=password`);
      await contract(
        `connector_list_${scope}_credentials_v1`,
        404,
        'GET',
        `/v1/connectors/nothing_here/${scope}/credentials`,
      );
      await contract(`connector_delete_${scope}_credentials_v1`, 200, 'DELETE', `${at}/team`);
      await contract(`connector_delete_${scope}_credentials_v1`, 404, 'DELETE', `${at}/team`);
      await contract(`connector_delete_${scope}_credentials_v1`, 422, 'DELETE', `${at}/not%20valid`);
    }
    await contract(
      'connector_delete_all_user_credentials_v1',
      200,
      'DELETE',
      '/v1/connectors/deepwiki/user/credentials',
    );
    const connector = await contract('connector_get_v1', 200, 'GET', '/v1/connectors/deepwiki');
    expectOnlyDeclaredFields(connector.json as Record<string, unknown>);
    expect((connector.json as { connection_credentials: unknown[] }).connection_credentials).toHaveLength(2);
  });

  it('authentication methods: 200 list of PublicAuthenticationMethod, 404', async () => {
    const methods = await contract(
      'connector_get_authentication_methods_v1',
      200,
      'GET',
      '/v1/connectors/declared_oauth/authentication_methods',
    );
    expect(methods.json).toMatchObject([{ method_type: 'oauth2', oauth2_server_metadata: OAUTH_METADATA }]);
    await contract(
      'connector_get_authentication_methods_v1',
      404,
      'GET',
      '/v1/connectors/nothing_here/authentication_methods',
    );
  });

  it('delete: 200 MessageResponse, 404 afterwards, 422 for a name, 403 on a built-in', async () => {
    await contract('connector_delete_v1', 200, 'DELETE', `/v1/connectors/${created.id}`);
    await contract('connector_delete_v1', 404, 'DELETE', `/v1/connectors/${created.id}`);
    await contract('connector_delete_v1', 422, 'DELETE', '/v1/connectors/gdocs');
    const gmail = emulator.store.get('gmail')!;
    await contract('connector_delete_v1', 403, 'DELETE', `/v1/connectors/${gmail.id}`);
  });

  it('401 without a key and 429 over the rate limit have the error shape', async () => {
    await contract('connector_list_v1', 401, 'GET', '/v1/connectors', { key: null });
    await contract('connector_create_v1', 401, 'POST', '/v1/connectors', { key: '', body: {} });
    emulator.setFaults({ rules: [{ kind: 'rate_limit', count: 1 }] });
    const limited = await contract('connector_get_v1', 429, 'GET', '/v1/connectors/gdocs');
    expect(limited.headers['retry-after']).toBe('1');
    emulator.setFaults({ rules: [] });
  });

  it('covered every operation connector-sync uses with its success and validation answers', () => {
    const required = [
      'connector_create_v1 201',
      'connector_create_v1 422',
      'connector_list_v1 200',
      'connector_list_v1 422',
      'connector_get_v1 200',
      'connector_get_v1 404',
      'connector_update_v1 200',
      'connector_update_v1 422',
      'connector_delete_v1 200',
      'connector_delete_v1 422',
      'connector_share_v1 200',
      'connector_share_v1 422',
      'connector_unshare_v1 200',
      'connector_unshare_v1 422',
      'connector_get_auth_url_v1 200',
      'connector_get_auth_url_v1 422',
      'connector_list_tools_v1 200',
      'connector_list_tools_v1 422',
      'connector_activate_for_consumer_v1 200',
      'connector_activate_for_consumer_v1 422',
      'connector_deactivate_for_consumer_v1 200',
      'connector_deactivate_for_consumer_v1 422',
      'connector_get_authentication_methods_v1 200',
      'connector_delete_all_user_credentials_v1 200',
      ...['organization', 'workspace', 'user'].flatMap((scope) => [
        `connector_list_${scope}_credentials_v1 200`,
        `connector_list_${scope}_credentials_v1 422`,
        `connector_create_or_update_${scope}_credentials_v1 200`,
        `connector_create_or_update_${scope}_credentials_v1 422`,
        `connector_delete_${scope}_credentials_v1 200`,
        `connector_delete_${scope}_credentials_v1 422`,
      ]),
    ];
    for (const entry of required) {
      findOperation(entry.split(' ')[0]!);
      expect(covered, entry).toContain(entry);
    }
  });
});
