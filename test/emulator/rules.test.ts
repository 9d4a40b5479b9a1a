/** The API's rules as a client meets them: names, timestamps, built-ins, visibility, OAuth, tools, keys. */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { type Connector, call, create, emulatorsClosedAfterEach, patch, seedConnector } from './helpers.js';

const start = emulatorsClosedAfterEach();

describe('names, ids and timestamps', () => {
  it('keeps names unique on create and rename, and finds a renamed connector by its new name', async () => {
    const emulator = await start();
    const one = await create(emulator, seedConnector('one'));
    await create(emulator, seedConnector('two'));
    expect(
      (await call(emulator, 'POST', '/v1/connectors', { body: seedConnector('one') })).json,
    ).toMatchObject({
      code: 'connector_name_taken',
    });
    expect((await patch(emulator, one.id, { name: 'two' })).status).toBe(409);
    expect((await patch(emulator, one.id, { name: 'uno' })).status).toBe(200);
    expect((await call(emulator, 'GET', '/v1/connectors/uno')).json).toMatchObject({ id: one.id });
    expect((await call(emulator, 'GET', '/v1/connectors/one')).status).toBe(404);
    expect(one.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('changes modified_at on every update even when the clock stands still; created_at never', async () => {
    const frozen = Date.parse('2026-05-01T10:00:00Z');
    const emulator = await start({ now: () => frozen });
    const created = await create(emulator, seedConnector('clocked'));
    expect(created.created_at).toBe('2026-05-01T10:00:00.000Z');
    const first = (await patch(emulator, created.id, { description: 'a' })).json as Connector;
    const second = (await patch(emulator, created.id, { description: 'b' })).json as Connector;
    expect(new Set([created.modified_at, first.modified_at, second.modified_at]).size).toBe(3);
    expect(Date.parse(String(second.modified_at))).toBeGreaterThan(Date.parse(String(first.modified_at)));
    expect(second.created_at).toBe(created.created_at);
  });

  it('treats null name/description as "unchanged" and null icon_url/title as "clear"', async () => {
    const emulator = await start();
    const created = await create(emulator, {
      ...seedConnector('nulls'),
      icon_url: 'https://i.example.com/a.png',
      title: 'T',
    });
    const updated = (
      await patch(emulator, created.id, { name: null, description: null, icon_url: null, title: null })
    ).json as Connector;
    expect(updated).toMatchObject({
      name: 'nulls',
      description: created.description,
      icon_url: null,
      title: null,
    });
  });
});

describe('visibility', () => {
  it('is ignored by PATCH (not a field of the update); share/unshare move a connector between private and the workspace', async () => {
    const emulator = await start();
    const created = await create(emulator, seedConnector('vis'));
    expect(created).toMatchObject({ visibility: 'private', owner_type: 'user' });
    const ignored = await patch(emulator, created.id, { visibility: 'shared_workspace', description: 'x' });
    expect(ignored.status).toBe(200);
    expect(emulator.requestLog.at(-1)?.ignored).toEqual(['visibility']);
    expect(emulator.store.get('vis')).toMatchObject({ visibility: 'private', description: 'x' });
    await call(emulator, 'PUT', `/v1/connectors/${created.id}/share`);
    expect((await call(emulator, 'GET', '/v1/connectors/vis')).json).toMatchObject({
      visibility: 'shared_workspace',
      owner_type: 'workspace',
    });
    await call(emulator, 'DELETE', `/v1/connectors/${created.id}/share`);
    expect(emulator.store.get('vis')?.visibility).toBe('private');
  });

  it("shows Mistral's built-ins as read-only shared_global connectors", async () => {
    const emulator = await start();
    const gmail = (await call(emulator, 'GET', '/v1/connectors/gmail')).json as Connector;
    expect(gmail).toMatchObject({ mistral: true, visibility: 'shared_global', owner_type: 'system' });
    for (const [method, path, body] of [
      ['PATCH', `/v1/connectors/${gmail.id}`, { description: 'mine now' }],
      ['DELETE', `/v1/connectors/${gmail.id}`, undefined],
      ['PUT', `/v1/connectors/${gmail.id}/share`, undefined],
    ] as const) {
      const answer = await call(emulator, method, path, body === undefined ? {} : { body });
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ code: 'connector_read_only' });
    }
    expect(emulator.store.get('gmail')?.description).toBe(gmail.description);
    const empty = await start({ builtins: false });
    expect(empty.store.size).toBe(0);
  });
});

describe('OAuth', () => {
  it('reports is_authenticated null without OAuth, false until a person authenticates, false again on new credentials', async () => {
    const emulator = await start();
    const plain = await create(emulator, seedConnector('plain'));
    expect(plain.is_authenticated).toBeNull();
    expect(plain.supported_auth_methods).toEqual([
      {
        method_type: 'none',
        headers: null,
        global_headers: {},
        has_default_credentials: false,
        oauth2_server_metadata: null,
      },
    ]);
    const oauth = await create(emulator, {
      ...seedConnector('oauth'),
      auth_data: { client_id: 'a', client_secret: 'b' },
    });
    expect(oauth.is_authenticated).toBe(false);
    const marked = await call(emulator, 'POST', '/_emulator/connectors/oauth/authenticate', { key: null });
    expect(marked.json).toMatchObject({ is_authenticated: true });
    expect((await call(emulator, 'GET', '/v1/connectors/oauth')).json).toMatchObject({
      is_authenticated: true,
    });
    const secrets = (clientSecret: string) => ({
      auth_methods: [
        { method_type: 'oauth2', oauth2_metadata_secrets: { client_id: 'a', client_secret: clientSecret } },
      ],
    });
    await patch(emulator, oauth.id, secrets('b'));
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(true);
    await patch(emulator, oauth.id, secrets('rotated'));
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(false);
  });

  it('issues auth URLs that work within their TTL, once, and expire after it', async () => {
    let now = Date.parse('2026-05-01T10:00:00Z');
    const emulator = await start({ now: () => now, authUrlTtlSeconds: 60 });
    await create(emulator, { ...seedConnector('oauth'), auth_data: { client_id: 'a' } });
    const issue = async () => {
      const answer = await call(emulator, 'GET', '/v1/connectors/oauth/auth_url');
      expect(answer.json).toMatchObject({ ttl: 60 });
      return (answer.json as { auth_url: string }).auth_url;
    };
    const stale = await issue();
    now += 61_000;
    const expired = await request(stale);
    await expired.body.dump();
    expect(expired.statusCode).toBe(410);
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(false);
    const fresh = await issue();
    now += 59_000;
    const opened = await request(fresh);
    expect(await opened.body.text()).toContain('authenticated');
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(true);
    const again = await request(fresh);
    await again.body.dump();
    expect(again.statusCode).toBe(400);
  });

  it('refuses an auth URL for a connector without OAuth, with a 422 on method_type', async () => {
    const emulator = await start();
    await create(emulator, seedConnector('plain'));
    const answer = await call(emulator, 'GET', '/v1/connectors/plain/auth_url');
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ detail: [{ loc: ['query', 'method_type'] }] });
  });
});

describe('tools', () => {
  const toolNames = async (emulator: RunningEmulator, name: string, query = '') =>
    (
      (await call(emulator, 'GET', `/v1/connectors/${name}/tools${query}`)).json as Array<{ name: string }>
    ).map((tool) => tool.name);

  it('derives the same tools from the same server URL in any emulator, and others from another URL', async () => {
    const a = await start({ seed: [seedConnector('wiki', { server: 'https://mcp.deepwiki.com/mcp' })] });
    const b = await start({
      seed: [
        seedConnector('wiki', { server: 'https://mcp.deepwiki.com/mcp' }),
        seedConnector('other', { server: 'https://mcp.linear.app/sse' }),
      ],
    });
    expect(await toolNames(a, 'wiki')).toEqual(await toolNames(b, 'wiki'));
    expect(await toolNames(b, 'other')).not.toEqual(await toolNames(b, 'wiki'));
  });

  it('serves its cache until refresh=true after the server changed its tools; a new server URL drops the cache', async () => {
    const emulator = await start({ seed: [seedConnector('wiki')] });
    const derived = await toolNames(emulator, 'wiki');
    const set = await call(emulator, 'PUT', '/_emulator/connectors/wiki/tools', {
      key: null,
      body: [{ name: 'ask_question', description: 'Ask' }],
    });
    expect(set.status).toBe(200);
    expect(await toolNames(emulator, 'wiki')).toEqual(derived);
    expect(await toolNames(emulator, 'wiki', '?refresh=true')).toEqual(['ask_question']);
    expect((await call(emulator, 'GET', '/v1/connectors/wiki')).json).toMatchObject({
      tools: [{ name: 'ask_question' }],
    });
    const id = emulator.store.get('wiki')!.id;
    const moved = (await patch(emulator, id, { server: 'https://moved.example.com/mcp' })).json as Connector;
    expect(moved.tools).toBeNull();
  });

  it('pages tools by page number and page size', async () => {
    const tools = Array.from({ length: 5 }, (_, index) => ({ name: `tool_${index}` }));
    const emulator = await start({ seed: [seedConnector('many', { tools })] });
    expect(await toolNames(emulator, 'many', '?page=2&page_size=2')).toEqual(['tool_2', 'tool_3']);
    expect(await toolNames(emulator, 'many', '?page=4&page_size=2')).toEqual([]);
  });
});

describe('keys, routes and control', () => {
  it('accepts only the configured key, and any non-empty key otherwise', async () => {
    const locked = await start({ apiKey: 'the-key' });
    expect((await call(locked, 'GET', '/v1/connectors', { key: 'the-key' })).status).toBe(200);
    expect((await call(locked, 'GET', '/v1/connectors', { key: 'other' })).json).toMatchObject({
      type: 'authentication_error',
    });
    const open = await start();
    expect((await call(open, 'GET', '/v1/connectors', { key: 'anything' })).status).toBe(200);
    expect(
      (await call(open, 'GET', '/v1/connectors', { headers: { authorization: 'Bearer ' }, key: null }))
        .status,
    ).toBe(401);
  });

  it('answers unknown paths and methods as FastAPI does, and never serves control endpoints under /v1', async () => {
    const emulator = await start();
    expect((await call(emulator, 'GET', '/v1/unknown')).json).toEqual({ detail: 'Not Found' });
    expect((await call(emulator, 'GET', '/v1/connectors/gmail/activate/now')).status).toBe(404);
    const wrong = await call(emulator, 'PUT', '/v1/connectors');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect((await call(emulator, 'POST', '/v1/_emulator/reset')).status).toBe(404);
  });

  it('resets to the starting state, adds connectors, and shows the request log', async () => {
    const emulator = await start({ seed: [seedConnector('first')] });
    await create(emulator, seedConnector('later'));
    const added = await call(emulator, 'POST', '/_emulator/connectors', {
      key: null,
      body: [seedConnector('bulk')],
    });
    expect(added.status).toBe(201);
    const log = (await call(emulator, 'GET', '/_emulator/requests', { key: null })).json as {
      requests: Array<{ method: string; status: number }>;
    };
    expect(log.requests).toEqual([expect.objectContaining({ method: 'POST', status: 201 })]);
    await call(emulator, 'POST', '/_emulator/reset', { key: null });
    expect(emulator.store.list().map((record) => record.name)).toEqual([
      'gmail',
      'google_drive',
      'github',
      'web_search',
      'first',
    ]);
    expect(emulator.requestLog).toEqual([]);
    const unknown = await call(emulator, 'POST', '/_emulator/connectors/ghost/authenticate', { key: null });
    expect(unknown.status).toBe(404);
  });
});
