/**
 * A loopback proxy in front of the emulator, for what the emulator cannot do by itself and the CLI
 * cannot be told: serve the listing in small pages (the client always asks for the largest page,
 * and `sync` has no flag for it), and let "another writer" act at an exact moment of a run (just
 * before the CLI's first create reaches the API). Everything else passes through unchanged:
 * statuses, headers such as Retry-After, bodies, and dropped connections.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { RecordedRequest } from '../emulator/openapi.js';

/** Something to do once, just before the first request matching `when` ("POST /v1/connectors") is forwarded. */
export interface ProxyHook {
  when: string;
  run: () => void | Promise<void>;
}

/** How list pages serve one connector out of the API's own schema: fields dropped, fields set to anything. */
export interface MalformedItem {
  unset?: string[];
  set?: Record<string, unknown>;
}

/** A running proxy. */
export interface ScenarioProxy {
  readonly url: string;
  /** Hooks that have not fired yet. */
  readonly pendingHooks: readonly ProxyHook[];
  /** Arms hooks; each fires once. */
  arm(hooks: readonly ProxyHook[]): void;
  /** Drops hooks that never fired (a step is over), and serves list pages as the API sent them again. */
  disarm(): void;
  /** Until disarmed, list pages serve these connectors (by name) malformed. */
  malform(items: Readonly<Record<string, MalformedItem>>): void;
  close(): Promise<void>;
}

// hop-by-hop headers belong to one connection and are never forwarded
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host']);

/** Starts a proxy to `upstream`; with `maxPageSize`, listing requests ask for at most that many items. */
export async function startScenarioProxy(
  upstream: string,
  options: {
    maxPageSize?: number | null;
    onRequest?: (request: RecordedRequest) => void;
    /** Another upstream for a request, by its Authorization header (a workspace of its own); undefined: `upstream`. */
    route?: (authorization: string | undefined) => string | undefined;
  } = {},
): Promise<ScenarioProxy> {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  let hooks: ProxyHook[] = [];
  let malformed: Readonly<Record<string, MalformedItem>> = {};

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readAll(req);
    const url = new URL(req.url ?? '/', options.route?.(req.headers.authorization) ?? upstream);
    const key = `${req.method} ${url.pathname}`;
    options.onRequest?.(recorded(req.method ?? 'GET', url, body));
    const due = hooks.filter((hook) => hook.when === key);
    hooks = hooks.filter((hook) => hook.when !== key);
    for (const hook of due) await hook.run();
    if (options.maxPageSize && req.method === 'GET' && url.pathname === '/v1/connectors') {
      const asked = Number(url.searchParams.get('page_size') ?? '100');
      url.searchParams.set('page_size', String(Math.min(asked, options.maxPageSize)));
    }
    const upstreamReply = await request(url, {
      method: req.method as 'GET',
      headers: forwardable(req.headers),
      body: body.length > 0 ? body : null,
      dispatcher: agent,
    });
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstreamReply.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const listPage = req.method === 'GET' && url.pathname === '/v1/connectors';
    if (listPage && upstreamReply.statusCode === 200 && Object.keys(malformed).length > 0) {
      const page = (await upstreamReply.body.json()) as { items: Array<Record<string, unknown>> };
      page.items = page.items.map((item) => malform(item, malformed[item.name as string]));
      delete headers['content-length'];
      res.writeHead(200, headers);
      res.end(JSON.stringify(page));
      return;
    }
    res.writeHead(upstreamReply.statusCode, headers);
    // a client that gave up (a deadline) must not leave the proxy reading a slow body to its end
    res.on('close', () => {
      if (!res.writableFinished) upstreamReply.body.destroy();
    });
    for await (const chunk of upstreamReply.body) res.write(chunk);
    res.end();
  };

  const server = createServer((req, res) => {
    forward(req, res).catch(() => {
      // the emulator dropped the connection (or cut a body short): do the same to the client
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get pendingHooks() {
      return hooks;
    },
    arm: (more) => {
      hooks = [...hooks, ...more];
    },
    disarm: () => {
      hooks = [];
      malformed = {};
    },
    malform: (items) => {
      malformed = items;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}

function malform(item: Record<string, unknown>, how: MalformedItem | undefined): Record<string, unknown> {
  if (!how) return item;
  const out = { ...item, ...how.set };
  for (const field of how.unset ?? []) delete out[field];
  return out;
}

function forwardable(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** The request as the client sent it (before any page size is lowered); a body that is not JSON is kept as text. */
function recorded(method: string, url: URL, body: Buffer): RecordedRequest {
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { method, path: url.pathname, query: [...url.searchParams], body: parsed };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
