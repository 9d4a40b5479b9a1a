/**
 * Real MCP servers for the probe tests, built with the official SDK (McpServer with the Streamable
 * HTTP or the older SSE server transport) on 127.0.0.1, plus the non-MCP answers a probe must
 * tell apart: an HTML page, a 404, a JSON that is not JSON-RPC, a server that never answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';

/** A listening test server. */
export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** How an MCP test server behaves; `tools` is read on every request, so a test can change it between runs. */
export interface McpBehaviour {
  name: string;
  tools: Tool[];
  /** Tools per `tools/list` page; the rest follow behind `nextCursor`. */
  pageSize?: number;
  /** When set, a request without `Authorization: Bearer <token>` gets a 401 with a resource_metadata challenge. */
  bearer?: string;
  /** Called with the request's headers, to check what the probe sent. */
  onRequest?: (headers: IncomingMessage['headers']) => void;
}

/** A tool with a description and a one-string input schema. */
export function tool(name: string, description: string, annotations?: Tool['annotations']): Tool {
  return {
    name,
    description,
    inputSchema: { type: 'object', properties: { query: { type: 'string' } } },
    ...(annotations ? { annotations } : {}),
  };
}

function mcpServer(behaviour: McpBehaviour): McpServer {
  const server = new McpServer({ name: behaviour.name, version: '1.2.3' }, { capabilities: { tools: {} } });
  // McpServer lists every registered tool on one page; paging is what the probe must follow
  server.server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const size = behaviour.pageSize ?? behaviour.tools.length;
    const start = Number(request.params?.cursor ?? 0);
    const next = start + size;
    return {
      tools: behaviour.tools.slice(start, next),
      ...(next < behaviour.tools.length ? { nextCursor: String(next) } : {}),
    };
  });
  return server;
}

/** A Streamable HTTP MCP server (stateless: a server and transport per request, as the SDK's examples do). */
export function startMcpServer(behaviour: McpBehaviour): Promise<TestServer> {
  return listen(async (req, res, base) => {
    behaviour.onRequest?.(req.headers);
    if (behaviour.bearer && req.headers.authorization !== `Bearer ${behaviour.bearer}`) {
      res.writeHead(401, {
        'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource"`,
        'content-type': 'application/json',
      });
      res.end('{"error":"invalid_token"}');
      return;
    }
    const server = mcpServer(behaviour);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
}

/** An MCP server that only speaks the older HTTP+SSE transport: GET /sse, POST /messages. */
export function startSseOnlyServer(behaviour: McpBehaviour): Promise<TestServer> {
  const sessions = new Map<string, SSEServerTransport>();
  const started = listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      sessions.set(transport.sessionId, transport);
      res.on('close', () => sessions.delete(transport.sessionId));
      await mcpServer(behaviour).connect(transport);
      return;
    }
    const transport = sessions.get(url.searchParams.get('sessionId') ?? '');
    if (req.method === 'POST' && url.pathname === '/messages' && transport) {
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(405).end();
  });
  return started.then((server) => ({ ...server, url: server.url.replace(/\/mcp$/, '/sse') }));
}

/** A server that answers every request with a fixed status, type and body. */
export function startStaticServer(status: number, contentType: string, body: string): Promise<TestServer> {
  return listen((_req, res) => {
    res.writeHead(status, { 'content-type': contentType }).end(body);
  });
}

/** A server that accepts every request and never answers it. */
export function startHangingServer(): Promise<TestServer> {
  return listen(() => undefined);
}

function listen(
  handle: (req: IncomingMessage, res: ServerResponse, base: string) => void | Promise<void>,
): Promise<TestServer> {
  let base = '';
  const server: Server = createServer((req, res) => {
    void Promise.resolve(handle(req, res, base)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url: `${base}/mcp`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
