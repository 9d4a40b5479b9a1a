import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClientOptions, createClient } from '../../src/api/client.js';
import { connector, rejection } from './harness.js';

/**
 * Faults on real loopback sockets, where undici's own timers and socket errors are what the
 * client sees: a reset connection, a server that never answers, a body that stalls, a port
 * nobody listens on.
 */

type Handler = (req: IncomingMessage, res: ServerResponse, count: number) => void;

const servers: Server[] = [];
const clients: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: Handler): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    handler(req, res, count);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

function client(baseUrl: string, options: Partial<ClientOptions> = {}) {
  const created = createClient({ baseUrl, apiKey: 'sk-socket-test', sleep: async () => {}, ...options });
  clients.push(created);
  return created;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('the client on real sockets', () => {
  it('retries a GET whose connection was reset, and succeeds', async () => {
    const server = await serve((req, res, count) => {
      if (count === 1) req.socket.destroy();
      else json(res, 200, connector(1));
    });
    await expect(client(server.url).getConnector('connector-1')).resolves.toMatchObject({
      name: 'connector-1',
    });
    expect(server.requests()).toBe(2);
  });

  it('does not repeat a create whose connection was reset after it was sent', async () => {
    const server = await serve((req) => req.socket.destroy());
    const error = await rejection(
      client(server.url).createConnector({ name: 'x', description: 'x', server: 'https://mcp.example.com' }),
    );
    expect(error).toMatchObject({ code: 'API_NETWORK', outcomeUnknown: true });
    expect(server.requests()).toBe(1);
  });

  it('times out waiting for headers, retries, and gives up with API_TIMEOUT', async () => {
    const server = await serve(() => {
      // never answers
    });
    const api = client(server.url, { timeouts: { headersMs: 100 }, retry: { maxAttempts: 2 } });
    const error = await rejection(api.listConnectors());
    expect(error).toMatchObject({ code: 'API_TIMEOUT', retryable: true, attempts: 2 });
    expect(error.message).toBe('GET /v1/connectors: no response within 100 ms; gave up after 2 attempts');
    expect(server.requests()).toBe(2);
  });

  it('times out a body that stalls', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items": [');
    });
    const api = client(server.url, { timeouts: { bodyMs: 100 }, retry: { maxAttempts: 1 } });
    const error = await rejection(api.listConnectors());
    expect(error).toMatchObject({ code: 'API_TIMEOUT' });
    expect(error.message).toContain('the response body stalled within 100 ms');
  });

  it('retries a create when the connection is refused (nothing was sent), then reports it', async () => {
    const server = await serve(() => {});
    const { url } = server;
    servers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const attempts: number[] = [];
    const api = client(url, {
      retry: { maxAttempts: 3 },
      onRequest: (event) => attempts.push(event.attempt),
    });
    const error = await rejection(
      api.createConnector({ name: 'x', description: 'x', server: 'https://mcp.example.com' }),
    );
    expect(error).toMatchObject({ code: 'API_NETWORK', outcomeUnknown: false, attempts: 3 });
    expect(error.message).toContain(`network error talking to ${url} (connection refused, ECONNREFUSED)`);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('aborts a request in flight', async () => {
    const server = await serve(() => {});
    const controller = new AbortController();
    const call = client(server.url).getConnector('slow', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    const error = await rejection(call);
    expect(error).toMatchObject({ code: 'ABORTED', outcomeUnknown: false });
  });
});

describe('a connection opened ahead of the first request (warm)', () => {
  /** The server's connections and the connection each request came on, in order. */
  async function watched() {
    const events: string[] = [];
    const sockets: unknown[] = [];
    const server = await serve((req, res) => {
      events.push(`request on connection ${sockets.indexOf(req.socket) + 1}`);
      json(res, 200, connector(1));
    });
    servers.at(-1)!.on('connection', (socket) => {
      sockets.push(socket);
      events.push(`connection ${sockets.length}`);
    });
    return { ...server, events };
  }

  it('opens the connection and sends nothing on it; the first request then uses it', async () => {
    const server = await watched();
    const api = client(server.url);
    api.warm();
    await expect.poll(() => server.events).toEqual(['connection 1']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests()).toBe(0);
    await api.getConnector('connector-1');
    expect(server.events).toEqual(['connection 1', 'request on connection 1']);
  });

  it('replaces a warm connection the server closed while it waited', async () => {
    const server = await watched();
    servers.at(-1)!.on('connection', (socket) => {
      if (server.events.length === 1) socket.destroy();
    });
    const api = client(server.url);
    api.warm();
    await expect.poll(() => server.events).toEqual(['connection 1']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(api.getConnector('connector-1')).resolves.toMatchObject({ name: 'connector-1' });
    expect(server.events).toEqual(['connection 1', 'connection 2', 'request on connection 2']);
  });

  it('fails the first request as its own connect would when the warm connect failed', async () => {
    const server = await serve(() => {});
    servers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const attempts: number[] = [];
    const api = client(server.url, {
      retry: { maxAttempts: 2 },
      onRequest: (event) => attempts.push(event.attempt),
    });
    api.warm();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const error = await rejection(api.getConnector('connector-1'));
    expect(error).toMatchObject({ code: 'API_NETWORK', attempts: 2 });
    expect(error.message).toContain('connection refused, ECONNREFUSED');
    expect(attempts).toEqual([1, 2]);
  });

  it('closes a warm connection still in its TLS handshake when the client closes (exit is not held)', async () => {
    // a server that accepts and never answers: the TLS handshake of the warm connection hangs
    const accepted: Socket[] = [];
    const silent = createTcpServer((socket) => {
      accepted.push(socket);
      socket.resume(); // read, so the client's close is seen
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const api = client(`https://127.0.0.1:${(silent.address() as AddressInfo).port}`);
      api.warm();
      await expect.poll(() => accepted.length).toBe(1);
      await api.close();
      await expect.poll(() => accepted[0]!.readableEnded).toBe(true);
    } finally {
      for (const socket of accepted) socket.destroy();
      silent.close();
    }
  });

  it('closes a warm connection nobody used when the client closes', async () => {
    const server = await watched();
    const api = client(server.url);
    api.warm();
    await expect.poll(() => server.events).toEqual(['connection 1']);
    await api.close();
    const open = () =>
      new Promise((resolve) => servers.at(-1)!.getConnections((_error, count) => resolve(count)));
    await expect.poll(open).toBe(0);
    expect(server.requests()).toBe(0);
  });
});
