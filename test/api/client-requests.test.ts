import { describe, expect, it } from 'vitest';
import { requireComplete } from '../../src/api/paging.js';
import type { RequestEvent } from '../../src/api/transport.js';
import { version } from '../../src/version.js';
import { API_KEY, connector, harness, page, rejection } from './harness.js';

const ID = connector(1).id;

describe('requests on the wire', () => {
  it('lists at the largest page size with the bearer key, a versioned User-Agent and the active filter as the SDK sends it', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, page([connector(1)], null));
    const listing = await api.client.listConnectors({ active: true });
    expect(listing).toMatchObject({ complete: true, pages: 1 });
    const [request] = api.seen;
    expect(request!.path).toBe('/v1/connectors?page_size=1000&active=true');
    expect(request!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.headers['user-agent']).toMatch(
      new RegExp(`^connector-sync/${version().replaceAll('.', '\\.')} `),
    );
    expect(request!.headers.accept).toBe('application/json');
  });

  it('gets by name with the name encoded as one path segment, and by UUID', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors/team%2Fwiki%3F', 200, connector(1, 'team/wiki?'));
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await api.client.getConnector('team/wiki?');
    await api.client.getConnector(ID);
    expect(api.seen.map((s) => s.path)).toEqual(['/v1/connectors/team%2Fwiki%3F', `/v1/connectors/${ID}`]);
  });

  it('creates with a JSON body and updates by UUID with only the given fields', async () => {
    const api = harness();
    api.reply('POST', '/v1/connectors', 201, connector(1, 'deepwiki'));
    api.reply('PATCH', `/v1/connectors/${ID}`, 200, connector(1, 'deepwiki'));
    await api.client.createConnector({
      name: 'deepwiki',
      description: 'DeepWiki',
      server: 'https://mcp.deepwiki.com/mcp',
      visibility: 'shared_workspace',
      global_headers: { 'X-Team-Key': { value: 'v', is_secret: true } },
    });
    await api.client.updateConnector(ID, { description: 'new' });
    expect(api.seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(api.seen[0]!.body!)).toEqual({
      name: 'deepwiki',
      description: 'DeepWiki',
      server: 'https://mcp.deepwiki.com/mcp',
      visibility: 'shared_workspace',
      global_headers: { 'X-Team-Key': { value: 'v', is_secret: true } },
    });
    expect(JSON.parse(api.seen[1]!.body!)).toEqual({ description: 'new' });
  });

  it('refuses a name where the API takes only a UUID, before any request', async () => {
    const api = harness();
    for (const call of [
      () => api.client.updateConnector('deepwiki', { description: 'x' }),
      () => api.client.deleteConnector('deepwiki'),
      () => api.client.shareConnector('deepwiki'),
      () => api.client.unshareConnector('deepwiki'),
    ]) {
      const error = await rejection(call());
      expect(error).toMatchObject({ code: 'INTERNAL' });
      expect(error.message).toContain("needs the connector's UUID");
    }
    expect(api.seen).toEqual([]);
  });

  it('shares with PUT and unshares with DELETE on /share', async () => {
    const api = harness();
    api.reply('PUT', `/v1/connectors/${ID}/share`, 200, { message: 'ok' });
    api.reply('DELETE', `/v1/connectors/${ID}/share`, 200, { message: 'ok' });
    await api.client.shareConnector(ID);
    await api.client.unshareConnector(ID);
    expect(api.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      `PUT /v1/connectors/${ID}/share`,
      `DELETE /v1/connectors/${ID}/share`,
    ]);
  });

  it('gets the auth URL with app_return_url and its expiry', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors/gmail/auth_url', 200, {
      auth_url: 'https://auth.example.com/x',
      ttl: 600,
    });
    const auth = await api.client.getAuthUrl('gmail', { appReturnUrl: 'https://app.example.com/cb?a=1' });
    expect(api.seen[0]!.path).toBe(
      '/v1/connectors/gmail/auth_url?app_return_url=https%3A%2F%2Fapp.example.com%2Fcb%3Fa%3D1',
    );
    expect(auth).toEqual({
      authUrl: 'https://auth.example.com/x',
      ttlSeconds: 600,
      expiresAt: new Date(api.now() + 600_000).toISOString(),
    });
  });

  it('lists tools page by page until a short page, refreshing only with the first', async () => {
    const api = harness({ toolsPageSize: 2 });
    const tool = (name: string) => ({ name, description: name, inputSchema: {} });
    api.reply('GET', '/v1/connectors/deepwiki/tools', 200, [tool('a'), tool('b')]);
    api.reply('GET', '/v1/connectors/deepwiki/tools', 200, [tool('c')]);
    const tools = await api.client.listTools('deepwiki', { refresh: true });
    expect(tools.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect(api.seen.map((s) => s.path)).toEqual([
      '/v1/connectors/deepwiki/tools?page=1&page_size=2&refresh=true',
      '/v1/connectors/deepwiki/tools?page=2&page_size=2',
    ]);
  });

  it('stops listing tools with LISTING_INCOMPLETE when the API ignores the page number', async () => {
    const api = harness({ toolsPageSize: 2 });
    const tools = [{ name: 'a' }, { name: 'b' }];
    api.reply('GET', '/v1/connectors/deepwiki/tools', 200, tools);
    api.reply('GET', '/v1/connectors/deepwiki/tools', 200, tools);
    const error = await rejection(api.client.listTools('deepwiki'));
    expect(error).toMatchObject({ code: 'LISTING_INCOMPLETE' });
    expect(error.message).toContain('page 2 repeated tool "a"');
  });

  it('tells the onRequest hook about every attempt, without the query string', async () => {
    const events: RequestEvent[] = [];
    const api = harness({ onRequest: (event) => events.push(event) });
    api.reply('GET', '/v1/connectors', 503, {});
    api.reply('GET', '/v1/connectors', 200, page([], null));
    await api.client.listConnectors();
    expect(events).toEqual([
      { method: 'GET', path: '/v1/connectors', status: 503, durationMs: 0, attempt: 1 },
      { method: 'GET', path: '/v1/connectors', status: 200, durationMs: 0, attempt: 2 },
    ]);
  });

  it('keeps a path prefix of the base URL', async () => {
    const api = harness({ baseUrl: 'https://api.connectors.test/proxy/mistral/' });
    api.reply('GET', '/proxy/mistral/v1/connectors', 200, page([], null));
    await api.client.listConnectors();
    expect(api.seen[0]!.path).toBe('/proxy/mistral/v1/connectors?page_size=1000');
  });
});

describe('paging', () => {
  it('follows next_cursor through short pages until it is null', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, page([connector(1), connector(2), connector(3)], 'c1'));
    api.reply('GET', '/v1/connectors', 200, page([connector(4)], 'c2'));
    api.reply('GET', '/v1/connectors', 200, page([], 'c3'));
    api.reply('GET', '/v1/connectors', 200, page([connector(5)], null));
    const listing = await api.client.listConnectors();
    expect(listing).toMatchObject({ complete: true, pages: 4 });
    expect(listing.items.map((c) => c.name)).toEqual([1, 2, 3, 4, 5].map((n) => `connector-${n}`));
    expect(api.seen.map((s) => s.path)).toEqual([
      '/v1/connectors?page_size=1000',
      '/v1/connectors?page_size=1000&cursor=c1',
      '/v1/connectors?page_size=1000&cursor=c2',
      '/v1/connectors?page_size=1000&cursor=c3',
    ]);
  });

  it('treats a missing pagination or cursor as the last page', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, { items: [connector(1)] });
    await expect(api.client.listConnectors()).resolves.toMatchObject({ complete: true, pages: 1 });
  });

  it('stops at a repeated cursor and says the listing is incomplete', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, page([connector(1)], 'c1'));
    api.reply('GET', '/v1/connectors', 200, page([connector(2)], 'c1'));
    const listing = await api.client.listConnectors();
    expect(listing.complete).toBe(false);
    expect(listing.incompleteReason).toContain('a cursor the API had already returned');
    expect(api.seen).toHaveLength(2);
    expect(() => requireComplete(listing, 'the connectors')).toThrow(
      /could not list the connectors completely/,
    );
  });

  it('stops when an item comes twice', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, page([connector(1), connector(2)], 'c1'));
    api.reply('GET', '/v1/connectors', 200, page([connector(2), connector(3)], 'c2'));
    const listing = await api.client.listConnectors();
    expect(listing).toMatchObject({ complete: false, pages: 2 });
    expect(listing.incompleteReason).toContain(`repeated connector ${connector(2).id} (connector-2)`);
    expect(listing.items.map((c) => c.name)).toEqual(['connector-1', 'connector-2']);
  });

  it('stops at the page limit', async () => {
    const api = harness({ maxPages: 3 });
    for (let n = 1; n <= 3; n++) api.reply('GET', '/v1/connectors', 200, page([connector(n)], `c${n}`));
    const listing = await api.client.listConnectors();
    expect(listing).toMatchObject({ complete: false, pages: 3 });
    expect(listing.incompleteReason).toContain('stopped after 3 pages');
    expect(api.seen).toHaveLength(3);
  });

  it('sets aside listed connectors that break the API schema, naming the field, and keeps the rest', async () => {
    const api = harness();
    const { visibility: _dropped, ...noVisibility } = connector(2);
    api.reply(
      'GET',
      '/v1/connectors',
      200,
      page([connector(1), noVisibility, { ...connector(3), visibility: 'public' }], 'c1'),
    );
    api.reply(
      'GET',
      '/v1/connectors',
      200,
      page(
        [
          { ...connector(4), id: 'not-a-uuid' },
          { ...connector(5), name: 42 },
          { ...connector(6), server: { url: 'x' } },
          { ...connector(7), private_tool_execution: 'no' },
          'not a connector',
          connector(8),
        ],
        null,
      ),
    );
    const listing = await api.client.listConnectors();
    expect(listing).toMatchObject({ complete: true, pages: 2 });
    expect(listing.items.map((c) => c.name)).toEqual(['connector-1', 'connector-8']);
    expect(listing.invalid).toEqual([
      {
        id: connector(2).id,
        name: 'connector-2',
        field: 'visibility',
        problem: expect.stringContaining('is missing'),
      },
      {
        id: connector(3).id,
        name: 'connector-3',
        field: 'visibility',
        problem: expect.stringMatching(/^is not one of shared_global/),
      },
      { id: 'not-a-uuid', name: 'connector-4', field: 'id', problem: 'is not a UUID' },
      { id: connector(5).id, name: null, field: 'name', problem: 'is a number, not a string' },
      {
        id: connector(6).id,
        name: 'connector-6',
        field: 'server',
        problem: 'is an object, not a string or null',
      },
      {
        id: connector(7).id,
        name: 'connector-7',
        field: 'private_tool_execution',
        problem: 'is a string, not a boolean',
      },
      { id: null, name: null, field: '(item)', problem: 'is not an object' },
    ]);
  });

  it('a connector read by name to act on is held to the same schema: API_BAD_RESPONSE naming the field', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors/docs', 200, { ...connector(1, 'docs'), owner_type: 'someone' });
    const error = await rejection(api.client.getConnector('docs'));
    expect(error).toMatchObject({ code: 'API_BAD_RESPONSE' });
    expect(error.message).toContain(
      `the connector's "owner_type" is not one of user, org, workspace, system`,
    );
  });

  it('rejects a page without an items array as API_BAD_RESPONSE', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 200, { data: [] });
    const error = await rejection(api.client.listConnectors());
    expect(error).toMatchObject({ code: 'API_BAD_RESPONSE' });
    expect(error.message).toContain('the page has no "items" array');
  });

  it('refuses a page size the API does not allow', async () => {
    const api = harness();
    await expect(api.client.listConnectors({ pageSize: 1001 })).rejects.toMatchObject({ code: 'USAGE' });
    expect(() => harness({ pageSize: 0 })).toThrow(/page size must be a whole number from 1 to 1000/);
  });
});
