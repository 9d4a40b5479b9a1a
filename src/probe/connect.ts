/**
 * Speaks MCP to one server with the official SDK: `initialize`, then every page of `tools/list`,
 * over Streamable HTTP, falling back to the older HTTP+SSE transport when the server refuses the
 * Streamable HTTP POST with a 4xx other than 401 (as the MCP spec's backwards-compatibility
 * section advises). The whole exchange has one deadline; the SDK's own timeouts are not trusted to
 * cover a server that accepts the connection and never answers.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { version } from '../version.js';
import { classifyFailure, type SeenResponse } from './classify.js';
import type { ProbedTool, ServerProbe } from './types.js';

/** How to probe: the headers to send (already revealed, only with --resolve) and the deadline. */
export interface ProbeServerOptions {
  headers: Record<string, string>;
  deadlineMs: number;
  signal?: AbortSignal;
}

type TransportKind = 'streamable-http' | 'sse';

// a hostile server could hand out cursors forever; the deadline stops it too, this stops it early
const MAX_TOOL_PAGES = 1000;

/** Probes one server; never throws: every failure is a status with a cause. */
export async function probeServer(server: string, options: ProbeServerOptions): Promise<ServerProbe> {
  if (!URL.canParse(server) || !/^https?:$/.test(new URL(server).protocol)) {
    return failed('unreachable', 'not an http(s) URL', null);
  }
  const deadline = AbortSignal.any([
    AbortSignal.timeout(options.deadlineMs),
    ...(options.signal ? [options.signal] : []),
  ]);
  const first = await attempt(new URL(server), 'streamable-http', options, deadline);
  if (!first.fallback) return first.probe;
  const second = await attempt(new URL(server), 'sse', options, deadline);
  return second.probe.status === 'ok' || second.probe.status === 'auth-required' ? second.probe : first.probe;
}

async function attempt(
  url: URL,
  kind: TransportKind,
  options: ProbeServerOptions,
  deadline: AbortSignal,
): Promise<{ probe: ServerProbe; fallback: boolean }> {
  let seen: SeenResponse | null = null;
  // the SDK rewraps a failed fetch without its cause; the socket's error code is kept here
  let networkError: unknown;
  const watched = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const response = await fetch(input, { ...init, signal }).catch((error: unknown) => {
      networkError = error;
      throw error;
    });
    seen = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      wwwAuthenticate: response.headers.get('www-authenticate'),
    };
    return response;
  };
  const requestInit = { headers: options.headers };
  const transport: Transport =
    kind === 'sse'
      ? new SSEClientTransport(url, { requestInit, fetch: watched })
      : new StreamableHTTPClientTransport(url, { requestInit, fetch: watched });
  let protocolVersion: string | null = null;
  const setVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (negotiated: string) => {
    protocolVersion = negotiated;
    setVersion?.(negotiated);
  };
  const client = new Client({ name: 'connector-sync', version: version() }, { capabilities: {} });
  try {
    const tools = await beforeDeadline(deadline, async () => {
      const request = { signal: deadline, timeout: options.deadlineMs };
      await client.connect(transport, request);
      return listEveryTool(client, request);
    });
    const about = client.getServerVersion();
    return {
      probe: {
        status: 'ok',
        transport: kind,
        protocolVersion,
        serverName: about?.name ?? null,
        serverVersion: about?.version ?? null,
        cause: null,
        resourceMetadata: null,
        tools,
      },
      fallback: false,
    };
  } catch (error) {
    const last = seen as SeenResponse | null;
    if (error instanceof McpError || /protocol version/i.test(String(error))) {
      return { probe: failed('mcp-error', `the server refused: ${messageOf(error)}`, kind), fallback: false };
    }
    const failure = classifyFailure(last, networkError ?? error, deadline.aborted);
    const refusedPost = last !== null && last.status >= 400 && last.status < 500 && last.status !== 401;
    return {
      probe: { ...failed(failure.status, failure.cause, kind), resourceMetadata: failure.resourceMetadata },
      fallback: kind === 'streamable-http' && refusedPost,
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Every page of `tools/list`, following `nextCursor` until the server stops giving one. */
async function listEveryTool(
  client: Client,
  request: { signal: AbortSignal; timeout: number },
): Promise<ProbedTool[]> {
  const tools: ProbedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, request);
    for (const tool of result.tools) {
      tools.push({
        name: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema,
        annotations: tool.annotations ?? null,
      });
    }
    if (!result.nextCursor || result.nextCursor === cursor) return tools;
    cursor = result.nextCursor;
  }
  return tools;
}

/** Runs `work`, rejecting as soon as `deadline` aborts even if `work` never settles. */
async function beforeDeadline<T>(deadline: AbortSignal, work: () => Promise<T>): Promise<T> {
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadline.reason);
    if (deadline.aborted) onAbort();
    else deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), expired]);
  } finally {
    if (onAbort) deadline.removeEventListener('abort', onAbort);
  }
}

function failed(status: ServerProbe['status'], cause: string, kind: TransportKind | null): ServerProbe {
  return {
    status,
    transport: kind,
    protocolVersion: null,
    serverName: null,
    serverVersion: null,
    cause,
    resourceMetadata: null,
    tools: null,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
