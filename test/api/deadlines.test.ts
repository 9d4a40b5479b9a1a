import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queryObjects } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { API_KEY, connector, harness, rejection } from './harness.js';

const ID = '00000000-0000-4000-8000-000000000001';
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback API that answers every list with headers at once, then the body one byte at a time. */
async function dribblingApi(byteEveryMs: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const body = JSON.stringify({ items: [], pagination: { next_cursor: null, page_size: 1000 } });
  const server = createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || sent >= body.length) return clearInterval(timer);
      response.write(body[sent++]);
    }, byteEveryMs);
    response.on('close', () => clearInterval(timer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

describe('every request has an overall deadline', () => {
  it('gives up on a list body dribbled one byte at a time, though no chunk is ever late', async () => {
    const api = await dribblingApi(20);
    const client = createClient({
      baseUrl: api.url,
      apiKey: API_KEY,
      // the idle limits stay at their defaults: each byte arrives well within them
      timeouts: { requestMs: 250 },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      const started = Date.now();
      const error = await rejection(client.listConnectors());
      expect(error.code).toBe('API_TIMEOUT');
      expect(error.message).toMatch(/no complete response within 250 ms; gave up after 2 attempts/);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(api.requests()).toBe(2);
      expect(error.message).not.toContain(API_KEY);
    } finally {
      await client.close();
    }
  });
});

describe('the time spent waiting to retry is bounded', () => {
  it('gives up on Retry-After: 1000000000 after the total wait, not after ten capped waits', async () => {
    const api = harness();
    for (let i = 0; i < 10; i++)
      api.reply('GET', `/v1/connectors/${ID}`, 429, {}, { 'retry-after': '1000000000' });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    const error = await rejection(api.client.getConnector(ID));
    expect(error.code).toBe('API_RATE_LIMITED');
    expect(api.sleeps).toEqual([60_000, 60_000]);
    expect(error.message).toMatch(/more than the 120 s a request may wait/);
  });

  it('does not sleep past the caller’s deadline: a Retry-After beyond it gives up at once', async () => {
    const api = harness();
    api.reply('GET', `/v1/connectors/${ID}`, 429, {}, { 'retry-after': '30' });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    const error = await rejection(api.client.getConnector(ID, { remainingMs: () => 10_000 }));
    expect(error.code).toBe('API_RATE_LIMITED');
    expect(error.message).toMatch(/would outlast the run's time budget/);
    expect(api.sleeps).toEqual([]);
  });

  it('still retries a wait that fits the deadline', async () => {
    const api = harness();
    api.reply('GET', `/v1/connectors/${ID}`, 429, {}, { 'retry-after': '2' });
    api.reply('GET', `/v1/connectors/${ID}`, 200, connector(1));
    await api.client.getConnector(ID, { remainingMs: () => 10_000 });
    expect(api.sleeps).toEqual([2000]);
  });
});

describe('a finished request leaves nothing behind', () => {
  it('keeps no deadline timer or abort signal per request once the answer is read', async () => {
    const body = JSON.stringify(connector(1));
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(body);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = createClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: API_KEY,
    });
    // a daemon's shutdown signal lives as long as the process: what hangs on it is never freed
    const lifelong = new AbortController();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    const live = async () => {
      for (let turn = 0; turn < 3; turn++) await settle();
      return queryObjects(AbortSignal, { format: 'count' }) as number;
    };
    try {
      await client.getConnector(ID, { signal: lifelong.signal });
      const before = await live();
      for (let i = 0; i < 200; i++) await client.getConnector(ID, { signal: lifelong.signal });
      // before: a 60 s timeout signal and a composite one per request, held until the timer fires
      expect((await live()) - before).toBeLessThan(20);
    } finally {
      await client.close();
    }
  });
});
