import { afterEach, describe, expect, it } from 'vitest';
import { type ConnectorsClient, createClient } from '../../src/api/client.js';
import type { ApiError } from '../../src/api/errors.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { rejection } from './harness.js';

/** The real client against the real emulator over loopback sockets: no mocks in between. */

const KEY = 'sk-loopback-CANARY-key';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const running: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((thing) => thing.close()));
});

async function start(
  options: Parameters<typeof startEmulator>[0] = {},
): Promise<{ emulator: RunningEmulator; client: ConnectorsClient }> {
  const emulator = await startEmulator({ apiKey: KEY, ...options });
  const client = createClient({
    baseUrl: emulator.url,
    apiKey: KEY,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  running.push(client, emulator);
  return { emulator, client };
}

const apiRequests = (emulator: RunningEmulator, method: string, path: string) =>
  emulator.requestLog.filter((entry) => entry.method === method && entry.path === path);

describe('the client against the emulator', () => {
  it('goes through the whole lifecycle of a connector', async () => {
    const { emulator, client } = await start();
    const headerValue = 'team-key-CANARY-1';
    const created = await client.createConnector({
      name: 'deepwiki',
      description: 'DeepWiki MCP connector',
      server: 'https://mcp.deepwiki.com/mcp',
      visibility: 'private',
      global_headers: { 'X-Team-Key': { value: headerValue } },
      auth_data: { client_id: 'client-1', client_secret: 'secret-CANARY-2' },
    });
    expect(created).toMatchObject({ name: 'deepwiki', visibility: 'private' });
    expect(created.id).toMatch(UUID);
    expect(JSON.stringify(created)).not.toContain(headerValue);

    expect(await client.getConnector('deepwiki')).toEqual(await client.getConnector(created.id));

    const listing = await client.listConnectors();
    expect(listing).toMatchObject({ complete: true, pages: 1 });
    expect(listing.items.map((c) => c.name)).toContain('deepwiki');
    expect(listing.items.filter((c) => c.mistral === true).length).toBeGreaterThan(0);

    const updated = await client.updateConnector(created.id, { description: 'Updated: DeepWiki' });
    expect(updated.description).toBe('Updated: DeepWiki');

    await client.shareConnector(created.id);
    expect((await client.getConnector(created.id)).visibility).toBe('shared_workspace');
    await client.unshareConnector(created.id);
    expect((await client.getConnector(created.id)).visibility).toBe('private');

    const auth = await client.getAuthUrl('deepwiki', {
      appReturnUrl: 'https://app.example.com/oauth/callback',
    });
    expect(auth.authUrl).toMatch(/^https?:\/\//);
    expect(auth.ttlSeconds).toBeGreaterThan(0);
    expect(Date.parse(auth.expiresAt)).toBeGreaterThan(Date.now());
    expect((await client.getConnector('deepwiki')).is_authenticated).toBe(false);

    const beforeAuth = await rejection(client.listTools('deepwiki'));
    expect(beforeAuth).toMatchObject({ code: 'API_UNAUTHORIZED', status: 403 });
    expect(beforeAuth.message).toContain('needs OAuth');
    emulator.markAuthenticated('deepwiki');
    const tools = await client.listTools('deepwiki', { refresh: true, pageSize: 1 });
    expect(tools.length).toBeGreaterThan(0);
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);

    const invalid = await rejection(
      client.createConnector({ name: 'bad name!', description: 'x', server: 'https://mcp.example.com' }),
    );
    expect(invalid).toMatchObject({ code: 'API_VALIDATION', status: 422 });
    expect((invalid as unknown as ApiError).details.some((line) => line.startsWith('body.name: '))).toBe(
      true,
    );

    const taken = await rejection(
      client.createConnector({ name: 'deepwiki', description: 'x', server: 'https://mcp.example.com' }),
    );
    expect(taken).toMatchObject({ code: 'API_CONFLICT', status: 409, outcomeUnknown: false });

    await expect(client.deleteConnector(created.id)).resolves.toEqual({ alreadyGone: false });
    await expect(client.getConnector('deepwiki')).rejects.toMatchObject({
      code: 'API_NOT_FOUND',
      status: 404,
    });
    await expect(client.deleteConnector(created.id)).rejects.toMatchObject({ code: 'API_NOT_FOUND' });

    const everything = emulator.requestLog.map((entry) => JSON.stringify(entry)).join('\n');
    expect(everything).not.toContain(headerValue);
  });

  it('rejects a wrong key with the one sentence about the key', async () => {
    const { emulator } = await start();
    const wrong = createClient({ baseUrl: emulator.url, apiKey: 'sk-wrong-CANARY' });
    running.push(wrong);
    const error = await rejection(wrong.listConnectors());
    expect(error).toMatchObject({ code: 'API_UNAUTHORIZED', status: 401 });
    expect(error.message).toContain('set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE');
    expect(error.message).not.toContain('sk-wrong-CANARY');
  });

  it('lets the caller converge after a create whose answer was lost', async () => {
    const { emulator, client } = await start();
    emulator.setFaults({ rules: [{ kind: 'drop', phase: 'after', methods: ['POST'], count: 1 }] });
    const lost = await rejection(
      client.createConnector({
        name: 'lost-answer',
        description: 'x',
        server: 'https://mcp.example.com/mcp',
      }),
    );
    expect(lost).toMatchObject({ code: 'API_NETWORK', outcomeUnknown: true });
    expect(apiRequests(emulator, 'POST', '/v1/connectors')).toHaveLength(1);
    // the write happened: looking the name up finds it, and there is exactly one
    await expect(client.getConnector('lost-answer')).resolves.toMatchObject({ name: 'lost-answer' });
  });

  it('reports a delete whose first answer was lost as alreadyGone', async () => {
    const { emulator, client } = await start();
    const created = await client.createConnector({
      name: 'doomed',
      description: 'x',
      server: 'https://mcp.example.com',
    });
    emulator.setFaults({ rules: [{ kind: 'drop', phase: 'after', methods: ['DELETE'], count: 1 }] });
    await expect(client.deleteConnector(created.id)).resolves.toEqual({ alreadyGone: true });
    expect(apiRequests(emulator, 'DELETE', `/v1/connectors/${created.id}`)).toHaveLength(2);
  });

  it('rides out 5xx answers, HTML error pages and 429 bursts on reads', async () => {
    const { emulator, client } = await start();
    emulator.setFaults({
      rules: [
        { kind: 'error', methods: ['GET'], count: 2, statuses: [503] },
        { kind: 'html', methods: ['GET'], count: 1, status: 502 },
        { kind: 'rate_limit', methods: ['GET'], count: 1, retryAfterSeconds: 1, retryAfterForm: 'date' },
      ],
    });
    const listing = await client.listConnectors();
    expect(listing.complete).toBe(true);
    expect(client.stats().retries).toBe(4);
  });

  it('lists 2,500 connectors in ceil(N / page_size) requests, at page sizes 1000 and 7', async () => {
    const { emulator, client } = await start({ builtins: false });
    emulator.store.insert(
      Array.from({ length: 2500 }, (_, i) => ({
        name: `bulk-${String(i).padStart(4, '0')}`,
        description: `bulk connector ${i}`,
        server: `https://mcp.example.com/${i}`,
      })),
    );
    for (const pageSize of [1000, 7]) {
      emulator.clearRequestLog();
      const before = client.stats().requests;
      const listing = await client.listConnectors({ pageSize });
      const expectedPages = Math.ceil(2500 / pageSize);
      expect(listing).toMatchObject({ complete: true, pages: expectedPages });
      expect(new Set(listing.items.map((c) => c.id)).size).toBe(2500);
      expect(listing.items.map((c) => c.name).sort()).toEqual(
        emulator.store
          .list()
          .map((c) => c.name)
          .sort(),
      );
      expect(client.stats().requests - before).toBe(expectedPages);
      expect(apiRequests(emulator, 'GET', '/v1/connectors')).toHaveLength(expectedPages);
    }
  });

  it('says the listing is incomplete when the emulator repeats a cursor', async () => {
    const { emulator, client } = await start({ builtins: false });
    emulator.store.insert(
      Array.from({ length: 30 }, (_, i) => ({
        name: `c-${i}`,
        description: 'x',
        server: 'https://mcp.example.com',
      })),
    );
    emulator.setFaults({ rules: [{ kind: 'repeat_cursor', count: 1 }] });
    const listing = await client.listConnectors({ pageSize: 10 });
    expect(listing.complete).toBe(false);
    expect(listing.incompleteReason).toMatch(/cursor|repeated/);
  });

  it('paces writes under the emulator rate limit with no failed operation', async () => {
    const { emulator, client } = await start({ builtins: false, faults: { rateLimitPerSecond: 40 } });
    const results = await Promise.allSettled(
      Array.from({ length: 80 }, (_, i) =>
        client.createConnector({ name: `paced-${i}`, description: 'x', server: 'https://mcp.example.com' }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(emulator.store.size).toBe(80);
    expect(client.stats().rateLimited).toBeGreaterThan(0);
    expect(client.stats().pacing?.ratePerSecond).not.toBeNull();
  });
});
