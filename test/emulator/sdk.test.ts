/**
 * A client no one here wrote: Mistral's official TypeScript SDK drives the whole connector
 * lifecycle against the emulator over loopback. The SDK validates every answer with its own
 * schemas (zod), so any shape it does not accept fails the call with ResponseValidationError.
 */
import { Mistral } from '@mistralai/mistralai';
import {
  HTTPValidationError,
  MistralError,
  ResponseValidationError,
} from '@mistralai/mistralai/models/errors';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { seedMany } from './helpers.js';

const HEADER_CANARY = 'canary-header-3f9a1c';
const SECRET_CANARY = 'canary-secret-7d2e4b';

let emulator: RunningEmulator;
let sdk: Mistral;

beforeAll(async () => {
  emulator = await startEmulator({ seed: seedMany(23, 'seeded') });
  sdk = new Mistral({ apiKey: 'sdk-test-key', serverURL: emulator.url });
});

afterAll(async () => {
  await emulator.close();
});

/** Fails when the SDK fell back to its "unknown variant" for a connector (protocol not recognised). */
function expectKnownConnector(connector: object): void {
  expect('isUnknown' in connector, JSON.stringify(connector)).toBe(false);
}

describe('the official SDK (@mistralai/mistralai) against the emulator', () => {
  let id = '';

  it('creates a connector with headers and auth_data', async () => {
    const created = await sdk.beta.connectors.create({
      name: 'sdk_deepwiki',
      description: 'DeepWiki MCP connector for code repository exploration',
      server: 'https://mcp.deepwiki.com/mcp',
      visibility: 'private',
      headers: { 'X-Team-Key': HEADER_CANARY },
      authData: { clientId: 'sdk-client', clientSecret: SECRET_CANARY },
      protocol: 'mcp',
    });
    expectKnownConnector(created);
    if ('isUnknown' in created) return;
    expect(created.name).toBe('sdk_deepwiki');
    expect(created.visibility).toBe('private');
    expect(created.isAuthenticated).toBe(false);
    expect(created.supportedAuthMethods?.map((method) => method.methodType)).toEqual(['oauth2']);
    expect(created.createdAt).toBeInstanceOf(Date);
    id = created.id;
    expect(JSON.stringify(created)).not.toContain(HEADER_CANARY);
    expect(JSON.stringify(created)).not.toContain(SECRET_CANARY);
    // kept, though never shown
    expect(emulator.store.get(id)?.auth_methods[0]?.oauth2_metadata_secrets?.client_secret).toBe(
      SECRET_CANARY,
    );
    expect(emulator.store.get(id)?.org_headers).toEqual({ 'X-Team-Key': HEADER_CANARY });
  });

  it('lists every page by looping on next_cursor with a small page size', async () => {
    const names: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await sdk.beta.connectors.list({ pageSize: 5, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(5);
      for (const item of page.items) {
        expectKnownConnector(item);
        if (!('isUnknown' in item)) names.push(item.name);
      }
      cursor = page.pagination.nextCursor;
      pages += 1;
    } while (cursor);
    const expected = emulator.store.list().map((record) => record.name);
    expect(names).toEqual(expected);
    expect(new Set(names).size).toBe(names.length);
    expect(pages).toBe(Math.ceil(expected.length / 5));
  });

  it('filters with query_filters as the SDK serializes them', async () => {
    const inactive = await sdk.beta.connectors.list({ pageSize: 100, queryFilters: { active: false } });
    const names = inactive.items.map((item) => ('isUnknown' in item ? '?' : item.name));
    expect(names).toEqual(['gmail', 'google_drive', 'github', 'web_search']);
    expect(emulator.requestLog.at(-1)?.query).toMatchObject({ active: 'false' });
  });

  it('gets by name and by id', async () => {
    const byName = await sdk.beta.connectors.get({ connectorIdOrName: 'sdk_deepwiki' });
    const byId = await sdk.beta.connectors.get({ connectorIdOrName: id });
    expectKnownConnector(byName);
    expect(byId).toEqual(byName);
  });

  it('updates by id, with a later modified_at', async () => {
    const before = emulator.store.get(id)!;
    const updated = await sdk.beta.connectors.update({
      connectorId: id,
      requestBody: { description: 'Updated by the SDK', title: 'DeepWiki', protocol: 'mcp' },
    });
    expectKnownConnector(updated);
    if ('isUnknown' in updated || !('description' in updated))
      throw new Error('unexpected connector variant');
    expect(updated.description).toBe('Updated by the SDK');
    expect(updated.modifiedAt.getTime()).toBeGreaterThan(Date.parse(before.modified_at) - 1);
    expect(updated.modifiedAt.toISOString()).not.toBe(before.modified_at);
    expect(updated.createdAt.toISOString()).toBe(before.created_at);
  });

  it('gets an auth URL whose TTL holds, and opening it authenticates the connector', async () => {
    const auth = await sdk.beta.connectors.getAuthUrl({
      connectorIdOrName: 'sdk_deepwiki',
      appReturnUrl: 'https://app.example.com/oauth/callback',
    });
    expect(auth.ttl).toBe(600);
    expect(auth.authUrl).toContain(encodeURIComponent('https://app.example.com/oauth/callback'));
    const opened = await request(auth.authUrl);
    await opened.body.dump();
    expect(opened.statusCode).toBe(302);
    expect(String(opened.headers.location)).toMatch(/^https:\/\/app\.example\.com\/oauth\/callback\?/);
    const after = await sdk.beta.connectors.get({ connectorIdOrName: id });
    if ('isUnknown' in after) throw new Error('unexpected connector variant');
    expect(after.isAuthenticated).toBe(true);
  });

  it('lists tools, page by page', async () => {
    const all = await sdk.beta.connectors.listTools({ connectorIdOrName: 'sdk_deepwiki' });
    expect(all.length).toBeGreaterThanOrEqual(2);
    const first = await sdk.beta.connectors.listTools({ connectorIdOrName: id, page: 1, pageSize: 1 });
    const second = await sdk.beta.connectors.listTools({ connectorIdOrName: id, page: 2, pageSize: 1 });
    expect([...first, ...second].map((tool) => tool.name)).toEqual(all.slice(0, 2).map((tool) => tool.name));
    const pretty = await sdk.beta.connectors.listTools({ connectorIdOrName: id, pretty: true });
    expect(pretty.map((tool) => tool.name)).toEqual(all.map((tool) => tool.name));
  });

  it('shares and unshares', async () => {
    expect((await sdk.beta.connectors.share({ connectorId: id })).message).toMatch(/shared/);
    expect(emulator.store.get(id)?.visibility).toBe('shared_workspace');
    expect((await sdk.beta.connectors.unshare({ connectorId: id })).message).toMatch(/private/);
    expect(emulator.store.get(id)?.visibility).toBe('private');
  });

  it('activates and deactivates for a consumer scope', async () => {
    const activated = await sdk.beta.connectors.activateForConsumer({
      connectorId: id,
      consumerScope: 'workspace',
    });
    expect(activated.message).toMatch(/activated/);
    expect(emulator.store.get(id)?.activation.workspace).toBe(true);
    await sdk.beta.connectors.deactivateForConsumer({ connectorId: id, consumerScope: 'workspace' });
    expect(emulator.store.get(id)?.activation.workspace).toBe(false);
  });

  it('creates, lists and deletes workspace credentials, the first one being the default', async () => {
    await sdk.beta.connectors.createCredentials({
      connectorIdOrName: 'sdk_deepwiki',
      consumerScope: 'workspace',
      credentialsCreateOrUpdate: { name: 'ci', title: 'CI', credentials: { bearerToken: SECRET_CANARY } },
    });
    const listed = await sdk.beta.connectors.listWorkspaceCredentials({ connectorIdOrName: 'sdk_deepwiki' });
    expect(listed.credentials).toMatchObject([
      { name: 'ci', title: 'CI', authenticationType: 'bearer', isDefault: true },
    ]);
    expect(JSON.stringify(listed)).not.toContain(SECRET_CANARY);
    const deleted = await sdk.beta.connectors.deleteWorkspaceCredentials({
      connectorIdOrName: 'sdk_deepwiki',
      credentialsName: 'ci',
    });
    expect(deleted.message).toMatch(/deleted/);
    expect(emulator.store.get(id)?.credentials.workspace).toEqual([]);
  });

  it('surfaces a 422 as HTTPValidationError with the field in detail', async () => {
    const failure = await sdk.beta.connectors
      .create({
        name: 'not a valid name',
        description: 'x',
        server: 'https://a.example.com/mcp',
        protocol: 'mcp',
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HTTPValidationError);
    expect((failure as HTTPValidationError).detail?.[0]?.loc).toEqual(['body', 'name']);
  });

  it('deletes, then gets a 404', async () => {
    const deleted = await sdk.beta.connectors.delete({ connectorId: id });
    expect(deleted.message).toContain('sdk_deepwiki');
    const failure = await sdk.beta.connectors.get({ connectorIdOrName: id }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MistralError);
    expect(failure).not.toBeInstanceOf(ResponseValidationError);
    expect((failure as MistralError).statusCode).toBe(404);
  });
});
