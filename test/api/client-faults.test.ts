import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { API_KEY, connector, harness, rejection } from './harness.js';

const ID = connector(1).id;
const CREATE = { name: 'deepwiki', description: 'DeepWiki', server: 'https://mcp.deepwiki.com/mcp' };

describe('retries', () => {
  it('honours Retry-After in seconds on a 429, then succeeds', async () => {
    const api = harness();
    api.reply(
      'GET',
      `/v1/connectors/${ID}`,
      429,
      { message: 'Requests rate limit exceeded' },
      { 'retry-after': '2' },
    );
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    const found = await api.client.getConnector(ID);
    expect(found.name).toBe('connector-1');
    expect(api.seen[1]!.at - api.seen[0]!.at).toBe(2000);
    expect(api.client.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const api = harness();
    const later = new Date(api.now() + 7000).toUTCString();
    api.reply('GET', `/v1/connectors/${ID}`, 429, { message: 'slow down' }, { 'retry-after': later });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await api.client.getConnector(ID);
    expect(api.seen[1]!.at - api.seen[0]!.at).toBe(7000);
  });

  it('caps a huge Retry-After', async () => {
    const api = harness({ retry: { maxRetryAfterMs: 5000 } });
    api.reply('GET', `/v1/connectors/${ID}`, 429, {}, { 'retry-after': '86400' });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await api.client.getConnector(ID);
    expect(api.seen[1]!.at - api.seen[0]!.at).toBe(5000);
  });

  it('retries a 503 with jittered backoff and returns the answer', async () => {
    const api = harness();
    api.reply('GET', `/v1/connectors/${ID}`, 503, { message: 'unavailable' });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await expect(api.client.getConnector(ID)).resolves.toMatchObject({ id: ID });
    // full jitter with random() = 0.5 and a 250 ms base
    expect(api.sleeps).toEqual([125]);
    expect(api.client.stats().requestsByStatus).toEqual({ '503': 1, '200': 1 });
  });

  it.each([500, 502])(
    'gives up after the last attempt on repeated %i, with capped exponential backoff',
    async (status) => {
      const api = harness({ retry: { maxAttempts: 5, maxDelayMs: 600 } });
      for (let i = 0; i < 5; i++) api.reply('GET', `/v1/connectors/${ID}`, status, { message: 'boom' });
      const error = await rejection(api.client.getConnector(ID));
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: 'API_SERVER', status, attempts: 5, retryable: true });
      expect(error.message).toContain('gave up after 5 attempts');
      expect(api.seen).toHaveLength(5);
      expect(api.sleeps).toEqual([125, 250, 300, 300]);
    },
  );

  it('retries a GET after a connection reset', async () => {
    const api = harness();
    api.fail('GET', `/v1/connectors/${ID}`, 'ECONNRESET');
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await expect(api.client.getConnector(ID)).resolves.toMatchObject({ id: ID });
    expect(api.client.stats().requestsByStatus).toEqual({ network: 1, '200': 1 });
  });

  it('retries a PATCH and a share after a 502 (the same body twice is harmless)', async () => {
    const api = harness();
    api.reply('PATCH', `/v1/connectors/${ID}`, 502, '<html><title>502 Bad Gateway</title></html>');
    api.reply('PATCH', `/v1/connectors/${ID}`, 200, { ...connector(1), description: 'new' });
    api.reply('PUT', `/v1/connectors/${ID}/share`, 504, '');
    api.reply('PUT', `/v1/connectors/${ID}/share`, 200, { message: 'shared' });
    await expect(api.client.updateConnector(ID, { description: 'new' })).resolves.toMatchObject({
      description: 'new',
    });
    await expect(api.client.shareConnector(ID)).resolves.toBeUndefined();
    expect(api.seen.map((s) => s.method)).toEqual(['PATCH', 'PATCH', 'PUT', 'PUT']);
    expect(api.seen[0]!.body).toBe(api.seen[1]!.body);
  });

  it('aborts during a backoff wait and sends nothing more', async () => {
    const controller = new AbortController();
    const api = harness({
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
          queueMicrotask(() => controller.abort(new Error('SIGTERM')));
        }),
    });
    api.reply('GET', `/v1/connectors/${ID}`, 503, {});
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    const error = await rejection(api.client.getConnector(ID, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ABORTED', outcomeUnknown: false });
    expect(api.seen).toHaveLength(1);
  });
});

describe('creates are never repeated blindly', () => {
  it.each([500, 502, 503, 504])('a %i on create throws outcomeUnknown after one request', async (status) => {
    const api = harness();
    api.reply('POST', '/v1/connectors', status, { message: 'upstream failed' });
    api.reply('POST', '/v1/connectors', 201, connector(1, 'deepwiki'));
    const error = await rejection(api.client.createConnector(CREATE));
    expect(error).toMatchObject({
      code: 'API_SERVER',
      outcomeUnknown: true,
      method: 'POST',
      path: '/v1/connectors',
    });
    expect(error.message).toContain('the outcome is unknown');
    expect(api.seen).toHaveLength(1);
  });

  it('a connection reset on create throws outcomeUnknown without a second request', async () => {
    const api = harness();
    api.fail('POST', '/v1/connectors', 'ECONNRESET');
    api.reply('POST', '/v1/connectors', 201, connector(1, 'deepwiki'));
    const error = await rejection(api.client.createConnector(CREATE));
    expect(error).toMatchObject({ code: 'API_NETWORK', outcomeUnknown: true });
    expect(api.client.stats().requests).toBe(1);
  });

  it('a refused connection on create is retried: nothing reached the server', async () => {
    const api = harness();
    api.fail('POST', '/v1/connectors', 'ECONNREFUSED');
    api.reply('POST', '/v1/connectors', 201, connector(1, 'deepwiki'));
    await expect(api.client.createConnector(CREATE)).resolves.toMatchObject({ name: 'deepwiki' });
  });

  it('a 429 on create is retried: the server refused it', async () => {
    const api = harness();
    api.reply(
      'POST',
      '/v1/connectors',
      429,
      { message: 'Requests rate limit exceeded' },
      { 'retry-after': '1' },
    );
    api.reply('POST', '/v1/connectors', 201, connector(1, 'deepwiki'));
    await expect(api.client.createConnector(CREATE)).resolves.toMatchObject({ name: 'deepwiki' });
    expect(api.seen).toHaveLength(2);
  });

  it('a 201 with an unreadable body is an unknown outcome too', async () => {
    const api = harness();
    api.reply('POST', '/v1/connectors', 201, '{"id": "00000000-0000-4000-8000-0000000');
    const error = await rejection(api.client.createConnector(CREATE));
    expect(error).toMatchObject({ code: 'API_BAD_RESPONSE', outcomeUnknown: true });
  });
});

describe('deletes', () => {
  it('reports alreadyGone when a retried delete meets a 404', async () => {
    const api = harness();
    api.reply('DELETE', `/v1/connectors/${ID}`, 503, {});
    api.reply('DELETE', `/v1/connectors/${ID}`, 404, { detail: 'Connector not found' });
    await expect(api.client.deleteConnector(ID)).resolves.toEqual({ alreadyGone: true });
  });

  it('a 404 on the first delete attempt is API_NOT_FOUND', async () => {
    const api = harness();
    api.reply('DELETE', `/v1/connectors/${ID}`, 404, { detail: 'Connector not found' });
    const error = await rejection(api.client.deleteConnector(ID));
    expect(error).toMatchObject({ code: 'API_NOT_FOUND', status: 404 });
    expect(error.message).toBe(`DELETE /v1/connectors/${ID}: not found (HTTP 404): Connector not found`);
  });

  it('a plain delete says it was not already gone', async () => {
    const api = harness();
    api.reply('DELETE', `/v1/connectors/${ID}`, 200, { message: 'deleted' });
    await expect(api.client.deleteConnector(ID)).resolves.toEqual({ alreadyGone: false });
  });
});

describe('error bodies', () => {
  it('an HTML proxy page is summarized, not dumped', async () => {
    const api = harness({ retry: { maxAttempts: 1 } });
    const html = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    api.reply('GET', `/v1/connectors/${ID}`, 502, html, {
      'content-type': 'text/html',
      'x-request-id': 'req-42',
    });
    const error = await rejection(api.client.getConnector(ID));
    expect(error.message).toBe(
      `GET /v1/connectors/${ID}: server error (HTTP 502): HTTP 502 with an HTML body (a proxy error page?): 502 Bad Gateway [request id req-42]`,
    );
    expect(error).toMatchObject({ code: 'API_SERVER', requestId: 'req-42' });
  });

  it('a 200 with an HTML body is API_BAD_RESPONSE', async () => {
    const api = harness();
    api.reply('GET', `/v1/connectors/${ID}`, 200, '<html><body>captive portal</body></html>', {
      'content-type': 'text/html',
    });
    const error = await rejection(api.client.getConnector(ID));
    expect(error).toMatchObject({ code: 'API_BAD_RESPONSE', retryable: false });
    expect(error.message).toContain('an HTML body instead of JSON');
  });

  it('truncated JSON on a 200 is API_BAD_RESPONSE, and on a 500 it is summarized', async () => {
    const api = harness({ retry: { maxAttempts: 1 } });
    api.reply('GET', '/v1/connectors', 200, '{"items": [{"id": "00000000-0000-4000-8000-000000000001", "na');
    api.reply('GET', `/v1/connectors/${ID}`, 500, '{"object": "error", "message": "Internal');
    const listing = await rejection(api.client.listConnectors());
    expect(listing).toMatchObject({ code: 'API_BAD_RESPONSE' });
    expect(listing.message).toContain('not valid JSON (truncated?)');
    const get = await rejection(api.client.getConnector(ID));
    expect(get.message).toContain('a JSON body that could not be parsed (truncated?)');
  });

  it('a 401 is one sentence about the key, never the key, and is not retried', async () => {
    const api = harness();
    api.reply('GET', '/v1/connectors', 401, { detail: `Invalid API key ${API_KEY}` });
    const error = await rejection(api.client.listConnectors());
    expect(error).toMatchObject({ code: 'API_UNAUTHORIZED', status: 401, retryable: false });
    expect(error.message).toBe(
      'The API rejected the API key (HTTP 401 on GET /v1/connectors): set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE.',
    );
    expect(api.seen).toHaveLength(1);
  });

  it('a 403 names the permission, not a retry', async () => {
    const api = harness();
    api.reply('POST', '/v1/connectors', 403, {
      object: 'error',
      message: 'Only organization admins',
      type: 'forbidden',
    });
    const error = await rejection(api.client.createConnector({ ...CREATE }));
    expect(error).toMatchObject({ code: 'API_UNAUTHORIZED', status: 403, outcomeUnknown: false });
    expect(error.message).toBe(
      'The API refused POST /v1/connectors for this API key (HTTP 403: Only organization admins (forbidden)).',
    );
    expect(error.hint).toContain('organization admin');
    expect(api.seen).toHaveLength(1);
  });

  it('renders a 422 detail list readably', async () => {
    const api = harness();
    api.reply('POST', '/v1/connectors', 422, {
      detail: [
        {
          type: 'string_pattern_mismatch',
          loc: ['body', 'name'],
          msg: "String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
          input: 'bad name!',
        },
        { type: 'missing', loc: ['body', 'server'], msg: 'Field required', input: {} },
      ],
    });
    const error = await rejection(api.client.createConnector({ ...CREATE, name: 'bad name!' }));
    expect(error).toMatchObject({ code: 'API_VALIDATION', status: 422, outcomeUnknown: false });
    expect(error.details).toEqual([
      "body.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
      'body.server: Field required',
    ]);
    expect(error.message).toContain('rejected as invalid (HTTP 422): body.name: String should match pattern');
    expect(error.message).not.toContain('bad name!');
  });

  it("a 429 given up on carries Mistral's error shape", async () => {
    const api = harness({ retry: { maxRateLimitedAttempts: 2 } });
    const body = {
      object: 'error',
      message: 'Requests rate limit exceeded',
      type: 'rate_limit_error',
      code: '1300',
    };
    api.reply('GET', `/v1/connectors/${ID}`, 429, body, { 'retry-after': '1' });
    api.reply('GET', `/v1/connectors/${ID}`, 429, body, { 'retry-after': '1' });
    const error = await rejection(api.client.getConnector(ID));
    expect(error).toMatchObject({ code: 'API_RATE_LIMITED', attempts: 2, retryable: true });
    expect(error.message).toContain(
      'Requests rate limit exceeded (rate_limit_error, 1300); gave up after 2 attempts',
    );
  });

  it('never lets a write-only value or the API key into an error (canary)', async () => {
    const canary = 'hdr-CANARY-7f3a9c';
    const secret = 'oauth-CANARY-51b2e0';
    const body = {
      ...CREATE,
      global_headers: { 'X-Team-Key': { value: canary } },
      auth_data: { client_id: 'cid-CANARY-1', client_secret: secret },
    };
    const update = {
      auth_methods: [
        {
          method_type: 'oauth2' as const,
          global_headers: { 'X-Team-Key': { value: canary } },
          oauth2_metadata_secrets: { client_id: 'cid-CANARY-1', client_secret: secret },
        },
      ],
    };
    const echoes = [
      [
        422,
        { detail: [{ loc: ['body', 'headers', 'X-Team-Key'], msg: `bad value ${canary}`, input: canary }] },
      ],
      [409, { message: `duplicate with headers ${canary} and secret ${secret}` }],
      [500, `upstream said ${canary} ${API_KEY}`],
      [400, { detail: `client cid-CANARY-1 with ${secret}` }],
    ] as const;
    for (const [status, reply] of echoes) {
      const api = harness();
      api.reply('POST', '/v1/connectors', status, reply);
      // a PATCH is retried on a 5xx: the same echo on every attempt
      for (let attempt = 0; attempt < 5; attempt += 1)
        api.reply('PATCH', `/v1/connectors/${ID}`, status, reply);
      for (const call of [
        () => api.client.createConnector(body),
        () => api.client.updateConnector(ID, update),
      ]) {
        const error = (await rejection(call())) as unknown as ApiError;
        const everything = [error.message, error.hint ?? '', ...error.details, JSON.stringify(error)].join(
          '\n',
        );
        for (const value of [canary, secret, 'cid-CANARY-1', API_KEY])
          expect(everything).not.toContain(value);
        expect(error.message).toContain('[redacted]');
      }
    }
  });
});
