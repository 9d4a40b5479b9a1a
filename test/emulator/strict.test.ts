/**
 * The strict emulator: request bodies read as the API's models read them (a field the spec does not
 * define is ignored and logged, never stored), write-only values through the paths the spec
 * defines (auth_methods, credentials), activation per scope, and the key's and caller's limits.
 */
import { describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { type Connector, call, create, emulatorsClosedAfterEach, patch, seedConnector } from './helpers.js';

const start = emulatorsClosedAfterEach({ builtins: false });

const METADATA = {
  issuer: 'https://auth.example.com',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
};

describe('fields the spec does not define', () => {
  it('PATCH ignores headers, auth_data and visibility: 200, nothing stored, each named in the request log', async () => {
    const emulator = await start();
    const created = await create(emulator, {
      ...seedConnector('api'),
      global_headers: { Authorization: { value: 'Bearer original' } },
    });
    const answer = await patch(emulator, created.id, {
      description: 'changed',
      headers: { Authorization: 'Bearer rotated' },
      auth_data: { client_id: 'id', client_secret: 'rotated' },
      visibility: 'shared_workspace',
    });
    expect(answer.status).toBe(200);
    expect(emulator.requestLog.at(-1)?.ignored).toEqual(['headers', 'auth_data', 'visibility']);
    const stored = emulator.store.get('api')!;
    expect(stored.description).toBe('changed');
    expect(stored.visibility).toBe('private');
    expect(stored.auth_methods).toEqual([
      {
        method_type: 'none',
        auth_direction: 'outbound',
        headers: null,
        global_headers: { Authorization: { value: 'Bearer original', is_secret: true } },
        oauth2_metadata_secrets: null,
        oauth2_server_metadata: null,
      },
    ]);
    expect(stored.org_headers).toBeNull();
  });

  it('create ignores fields outside CreateConnectorRequest (auth_methods among them) and logs them, nested ones too', async () => {
    const emulator = await start();
    await create(emulator, {
      ...seedConnector('extra'),
      auth_methods: [{ method_type: 'bearer' }],
      owner: 'me',
      global_headers: { X: { value: 'v', encrypted: true } },
    });
    expect(emulator.requestLog.at(-1)?.ignored).toEqual([
      'global_headers.X.encrypted',
      'auth_methods',
      'owner',
    ]);
    expect(emulator.store.get('extra')?.auth_methods.map((m) => m.method_type)).toEqual(['none']);
    expect(emulator.requestLog.at(-1)).toBeDefined();
    await call(emulator, 'GET', '/v1/connectors/extra');
    expect(emulator.requestLog.at(-1)?.ignored).toBeUndefined();
  });
});

describe('create', () => {
  it("keeps headers in their own organization-level store and global_headers on the connector's method", async () => {
    const emulator = await start();
    await create(emulator, {
      ...seedConnector('both'),
      headers: { 'X-Org': 'org-value' },
      global_headers: { 'X-Key': { value: 'secret-value' }, 'X-Region': { value: 'eu', is_secret: false } },
      auth_data: { client_id: 'client', client_secret: 'secret' },
    });
    const stored = emulator.store.get('both')!;
    expect(stored.org_headers).toEqual({ 'X-Org': 'org-value' });
    expect(stored.auth_methods).toMatchObject([
      {
        method_type: 'oauth2',
        global_headers: {
          'X-Key': { value: 'secret-value', is_secret: true },
          'X-Region': { value: 'eu', is_secret: false },
        },
        oauth2_metadata_secrets: { client_id: 'client', client_secret: 'secret' },
      },
    ]);
  });

  it('shows secret global header values redacted and the others in clear, in the connector and authentication_methods', async () => {
    const emulator = await start();
    const created = await create(emulator, {
      ...seedConnector('shown'),
      global_headers: { 'X-Key': { value: 'secret-value' }, 'X-Region': { value: 'eu', is_secret: false } },
      oauth2_server_metadata: METADATA,
    });
    const expected = {
      method_type: 'oauth2',
      headers: null,
      global_headers: {
        'X-Key': { value: '**********', is_secret: true },
        'X-Region': { value: 'eu', is_secret: false },
      },
      has_default_credentials: false,
      oauth2_server_metadata: METADATA,
    };
    expect(created.supported_auth_methods).toEqual([expected]);
    expect((await call(emulator, 'GET', '/v1/connectors/shown/authentication_methods')).json).toEqual([
      expected,
    ]);
    expect(JSON.stringify(created)).not.toContain('secret-value');
  });

  it('refuses oauth2_server_metadata with oauth2_server_metadata_url (mutually exclusive); keeps the URL alone', async () => {
    const emulator = await start();
    const url = 'https://auth.example.com/.well-known/oauth-authorization-server';
    const both = await call(emulator, 'POST', '/v1/connectors', {
      body: { ...seedConnector('both'), oauth2_server_metadata: METADATA, oauth2_server_metadata_url: url },
    });
    expect(both.status).toBe(422);
    expect(both.json).toMatchObject({ detail: [{ type: 'value_error', loc: ['body'] }] });
    const viaUrl = await create(emulator, { ...seedConnector('via_url'), oauth2_server_metadata_url: url });
    expect(viaUrl.is_authenticated).toBe(false);
    expect(emulator.store.get('via_url')?.oauth2_server_metadata_url).toBe(url);
  });

  it('checks nested models: method_type required, a header value required, metadata endpoints required', async () => {
    const emulator = await start();
    const created = await create(emulator, seedConnector('nested'));
    const answer = await patch(emulator, created.id, {
      auth_methods: [
        { global_headers: {} },
        { method_type: 'none', global_headers: { X: { is_secret: false } } },
        { method_type: 'oauth2', oauth2_server_metadata: { issuer: 'https://i.example.com' } },
        { method_type: 'oauth2', oauth2_metadata_secrets: { client_id_issued_at: 'yesterday' } },
      ],
    });
    expect(answer.status).toBe(422);
    const detail = (answer.json as { detail: Array<{ loc: unknown[]; type: string }> }).detail;
    expect(detail.map((d) => d.loc.join('.'))).toEqual([
      'body.auth_methods.0.method_type',
      'body.auth_methods.1.global_headers.X.value',
      'body.auth_methods.2.oauth2_server_metadata.authorization_endpoint',
      'body.auth_methods.2.oauth2_server_metadata.token_endpoint',
      'body.auth_methods.3.oauth2_metadata_secrets.client_id_issued_at',
    ]);
    const invalid = await call(emulator, 'POST', '/v1/connectors', {
      body: {
        ...seedConnector('bad'),
        global_headers: { X: 'plain string' },
        oauth2_server_metadata_url: 'nope',
      },
    });
    expect(
      (invalid.json as { detail: Array<{ loc: unknown[] }> }).detail.map((d) => d.loc.join('.')),
    ).toEqual(['body.global_headers.X', 'body.oauth2_server_metadata_url']);
  });
});

describe('PATCH auth_methods', () => {
  const rotate = {
    auth_methods: [{ method_type: 'oauth2', global_headers: { 'X-Key': { value: 'rotated' } } }],
  };

  async function oauthConnector(emulator: RunningEmulator): Promise<Connector> {
    return create(emulator, {
      ...seedConnector('oauth'),
      global_headers: { 'X-Key': { value: 'first' } },
      auth_data: { client_id: 'client', client_secret: 'secret' },
      oauth2_server_metadata: METADATA,
    });
  }

  it('replace (the default): an entry sets the method, and the fields it omits go back to their defaults', async () => {
    const emulator = await start();
    const created = await oauthConnector(emulator);
    emulator.markAuthenticated('oauth');
    expect((await patch(emulator, created.id, rotate)).status).toBe(200);
    expect(emulator.store.get('oauth')?.auth_methods).toEqual([
      {
        method_type: 'oauth2',
        auth_direction: 'outbound',
        headers: null,
        global_headers: { 'X-Key': { value: 'rotated', is_secret: true } },
        oauth2_metadata_secrets: null,
        oauth2_server_metadata: null,
      },
    ]);
    // the OAuth client it had is gone: a grant made with it does not carry over
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(false);
  });

  it('merge: the fields an entry omits keep their values', async () => {
    const emulator = await start({ authMethodsUpdate: 'merge' });
    const created = await oauthConnector(emulator);
    emulator.markAuthenticated('oauth');
    await patch(emulator, created.id, rotate);
    expect(emulator.store.get('oauth')?.auth_methods).toMatchObject([
      {
        method_type: 'oauth2',
        global_headers: { 'X-Key': { value: 'rotated', is_secret: true } },
        oauth2_metadata_secrets: { client_id: 'client', client_secret: 'secret' },
        oauth2_server_metadata: METADATA,
      },
    ]);
    expect(emulator.store.get('oauth')?.is_authenticated).toBe(true);
  });

  it('an entry with the complete values of its method ends in the same state under both readings', async () => {
    const complete = {
      auth_methods: [
        {
          method_type: 'oauth2',
          global_headers: { 'X-Key': { value: 'rotated' } },
          oauth2_metadata_secrets: { client_id: 'client', client_secret: 'new-secret' },
          oauth2_server_metadata: METADATA,
        },
      ],
    };
    const states = [];
    for (const authMethodsUpdate of ['replace', 'merge'] as const) {
      const emulator = await start({ authMethodsUpdate });
      const created = await oauthConnector(emulator);
      await patch(emulator, created.id, complete);
      states.push(emulator.store.get('oauth')?.auth_methods);
    }
    expect(states[0]).toEqual(states[1]);
    expect(states[0]?.[0]?.oauth2_metadata_secrets?.client_secret).toBe('new-secret');
  });

  it('adds a method the connector does not have yet and leaves the others alone', async () => {
    const emulator = await start();
    const created = await create(emulator, {
      ...seedConnector('plain'),
      global_headers: { A: { value: 'a' } },
    });
    await patch(emulator, created.id, { auth_methods: [{ method_type: 'bearer' }] });
    expect(
      emulator.store.get('plain')?.auth_methods.map((m) => [m.method_type, Object.keys(m.global_headers)]),
    ).toEqual([
      ['none', ['A']],
      ['bearer', []],
    ]);
  });
});

describe('activation per consumer scope', () => {
  it('activates and deactivates by UUID; active is true while any scope is active', async () => {
    const emulator = await start({ builtins: true });
    const created = await create(emulator, seedConnector('act'));
    expect(emulator.store.get('act')?.activation).toEqual({
      user: true,
      workspace: false,
      organization: false,
    });
    const path = (scope: string, verb: string) => `/v1/connectors/${created.id}/${scope}/${verb}`;
    expect((await call(emulator, 'POST', path('workspace', 'activate'))).json).toEqual({
      message: "Connector 'act' activated for the workspace.",
    });
    await call(emulator, 'POST', path('user', 'deactivate'));
    expect(emulator.store.get('act')).toMatchObject({
      activation: { user: false, workspace: true, organization: false },
      active: true,
    });
    await call(emulator, 'POST', path('workspace', 'deactivate'));
    expect((await call(emulator, 'GET', '/v1/connectors/act')).json).toMatchObject({ active: false });
    expect((await call(emulator, 'POST', '/v1/connectors/act/user/activate')).status).toBe(422);
    const gmail = emulator.store.get('gmail')!;
    expect((await call(emulator, 'POST', `/v1/connectors/${gmail.id}/user/activate`)).status).toBe(200);
    expect(emulator.store.get('gmail')?.active).toBe(true);
  });
});

describe('credentials and their defaults (the spec rules, verbatim)', () => {
  async function post(emulator: RunningEmulator, body: object, scope = 'workspace') {
    return call(emulator, 'POST', `/v1/connectors/creds/${scope}/credentials`, { body });
  }
  async function defaults(emulator: RunningEmulator, scope = 'workspace') {
    const listed = await call(emulator, 'GET', `/v1/connectors/creds/${scope}/credentials`);
    return (listed.json as { credentials: Array<{ name: string; is_default: boolean }> }).credentials.map(
      (c) => `${c.name}${c.is_default ? '*' : ''}`,
    );
  }
  const bearer = (token: string) => ({ credentials: { bearer_token: token } });

  it('on creation: the first of a method is the default; false is rejected then; later ones are not unless true', async () => {
    const emulator = await start();
    await create(emulator, seedConnector('creds'));
    const refused = await post(emulator, { name: 'a', is_default: false, ...bearer('x') });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ detail: [{ loc: ['body', 'is_default'], type: 'value_error' }] });
    expect((await post(emulator, { name: 'a', ...bearer('x') })).status).toBe(200);
    await post(emulator, { name: 'b', ...bearer('y') });
    await post(emulator, { name: 'c', is_default: false, ...bearer('z') });
    expect(await defaults(emulator)).toEqual(['a*', 'b', 'c']);
    await post(emulator, { name: 'd', is_default: true, ...bearer('w') });
    expect(await defaults(emulator)).toEqual(['a', 'b', 'c', 'd*']);
    // another method has its own default; another scope its own list
    await post(emulator, { name: 'h', credentials: { headers: { 'X-Key': 'k' } } });
    expect(await defaults(emulator)).toEqual(['a', 'b', 'c', 'd*', 'h*']);
    expect(await defaults(emulator, 'user')).toEqual([]);
  });

  it('on update: true promotes, false on the default is rejected, omitted leaves it; values and title change', async () => {
    const emulator = await start();
    await create(emulator, seedConnector('creds'));
    await post(emulator, { name: 'a', title: 'First', ...bearer('x') });
    await post(emulator, { name: 'b', ...bearer('y') });
    expect((await post(emulator, { name: 'a', is_default: false })).status).toBe(422);
    expect((await post(emulator, { name: 'a', title: null, ...bearer('x2') })).status).toBe(200);
    expect(await defaults(emulator)).toEqual(['a*', 'b']);
    await post(emulator, { name: 'b', is_default: true });
    expect(await defaults(emulator)).toEqual(['a', 'b*']);
    expect((await post(emulator, { name: 'a', is_default: false })).status).toBe(200);
    const a = emulator.store.get('creds')?.credentials.workspace.find((c) => c.name === 'a');
    expect(a).toMatchObject({ title: null, values: { bearer_token: 'x2' } });
    expect((await post(emulator, { name: 'new_one' })).status).toBe(422);
  });

  it('deletes one (the next of its method becomes the default), 404 for an unknown one, 422 for a bad name', async () => {
    const emulator = await start();
    await create(emulator, seedConnector('creds'));
    await post(emulator, { name: 'a', ...bearer('x') });
    await post(emulator, { name: 'b', ...bearer('y') });
    expect((await call(emulator, 'DELETE', '/v1/connectors/creds/workspace/credentials/a')).status).toBe(200);
    expect(await defaults(emulator)).toEqual(['b*']);
    expect((await call(emulator, 'DELETE', '/v1/connectors/creds/workspace/credentials/a')).status).toBe(404);
    expect((await call(emulator, 'DELETE', '/v1/connectors/creds/workspace/credentials/a.b')).status).toBe(
      422,
    );
    expect((await post(emulator, { name: 'has space', ...bearer('x') })).status).toBe(422);
  });

  it('shows every credential and the OAuth grant in connection_credentials, with a status the control API sets', async () => {
    const emulator = await start({
      seed: [
        seedConnector('creds', {
          auth_data: { client_id: 'c' },
          is_authenticated: true,
          credentials: [
            { scope: 'organization', name: 'org_key', bearer_token: 'b' },
            {
              scope: 'user',
              name: 'mine',
              headers: { 'X-Key': 'k' },
              status: { status_type: 'error', error_message: 'MCP server unreachable' },
            },
          ],
        }),
      ],
    });
    const shown = async () =>
      ((await call(emulator, 'GET', '/v1/connectors/creds')).json as { connection_credentials: unknown[] })
        .connection_credentials;
    expect(await shown()).toMatchObject([
      { name: 'oauth2', authentication_type: 'oauth2', scope: 'user', status: { status_type: 'valid' } },
      {
        name: 'mine',
        authentication_type: 'none',
        scope: 'user',
        status: { error_message: 'MCP server unreachable' },
      },
      {
        name: 'org_key',
        authentication_type: 'bearer',
        scope: 'org',
        is_default: true,
        status: { status_type: 'valid' },
      },
    ]);
    const expired = { status_type: 'invalid', error_message: 'oauth expired' };
    const set = await call(emulator, 'PUT', '/_emulator/connectors/creds/credential_status', {
      key: null,
      body: { status: expired },
    });
    expect(set.status).toBe(200);
    emulator.setCredentialStatus(
      'creds',
      { status_type: 'error', error_http_code: 504, error_message: 'MCP server timed out' },
      {
        scope: 'organization',
        name: 'org_key',
      },
    );
    expect(await shown()).toMatchObject([
      { name: 'oauth2', status: expired },
      { name: 'mine' },
      { name: 'org_key', status: { error_http_code: 504, error_message: 'MCP server timed out' } },
    ]);
    const wrong = await call(emulator, 'PUT', '/_emulator/connectors/creds/credential_status', {
      key: null,
      body: { status: { status_type: 'expired' } },
    });
    expect(wrong.status).toBe(400);
  });
});

describe("the key's and the caller's limits", () => {
  it('keyScope shared_only: list and get hide private connectors; create still answers 201', async () => {
    const emulator = await start({
      keyScope: 'shared_only',
      seed: [seedConnector('shared', { visibility: 'shared_workspace' }), seedConnector('mine')],
    });
    const created = await create(emulator, seedConnector('fresh'));
    expect(created.visibility).toBe('private');
    const listed = (await call(emulator, 'GET', '/v1/connectors')).json as { items: Connector[] };
    expect(listed.items.map((item) => item.name)).toEqual(['shared']);
    expect((await call(emulator, 'GET', '/v1/connectors/fresh')).status).toBe(404);
    expect((await call(emulator, 'GET', `/v1/connectors/${created.id}`)).status).toBe(404);
    expect((await call(emulator, 'GET', '/v1/connectors/shared')).status).toBe(200);
    expect(emulator.store.get('fresh')).toBeDefined();
  });

  it('orgAdmin false: creating, changing or deleting a shared_org connector answers 403', async () => {
    const emulator = await start({
      orgAdmin: false,
      seed: [seedConnector('org_wide', { visibility: 'shared_org' })],
    });
    const refused = await call(emulator, 'POST', '/v1/connectors', {
      body: { ...seedConnector('new_org'), visibility: 'shared_org' },
    });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ code: 'org_admin_required' });
    const id = emulator.store.get('org_wide')!.id;
    expect((await patch(emulator, id, { description: 'x' })).status).toBe(403);
    expect((await call(emulator, 'DELETE', `/v1/connectors/${id}`)).status).toBe(403);
    expect(emulator.store.get('new_org')).toBeUndefined();
    expect((await call(emulator, 'POST', '/v1/connectors', { body: seedConnector('mine') })).status).toBe(
      201,
    );
  });
});
