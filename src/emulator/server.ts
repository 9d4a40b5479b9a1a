/**
 * The HTTP server (node:http only). Each API request goes through the same steps, in the order
 * a real deployment would apply them: proxy-level faults (dropped connection, HTML error page,
 * 5xx), the API key, the rate limit, the route, then faults on the way out (dropped after the
 * work was done, truncated JSON, a slow body); the answer leaves once the latency has passed
 * since the request arrived. Every API request is logged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAgents } from './agents.js';
import { handleControl } from './control.js';
import type { EmulatorCore } from './core.js';
import { type FaultTarget, retryAfterValue } from './faults.js';
import {
  echoingRejection,
  encodeReply,
  proxyErrorPage,
  queryRecord,
  type RequestBody,
  readBody,
  writeEncoded,
  writeReply,
  writeSlowly,
  writeTruncated,
} from './http.js';
import {
  mistralErrorReply,
  type Reply,
  rateLimitedReply,
  routeNotFound,
  unauthorizedReply,
} from './replies.js';
import { handleApi } from './routes.js';

/** How the server listens and checks keys. */
export interface ServerOptions {
  host: string;
  port: number;
  /** Only this bearer key is accepted; any non-empty key when undefined. */
  apiKey: string | undefined;
  sleep: (ms: number) => Promise<void>;
}

/** A listening server. */
export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SERVER_ERRORS: Record<number, string> = {
  500: 'Internal server error.',
  502: 'Bad gateway: the upstream service did not answer.',
  503: 'Service unavailable, please retry.',
  504: 'Gateway timeout: the upstream service took too long.',
};

function serverError(status: number): Reply {
  return mistralErrorReply(status, SERVER_ERRORS[status] ?? `Server error ${status}.`, 'server_error', null);
}

function segmentsOf(path: string): string[] | null {
  try {
    return path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/** Checks the bearer key; a reply when it is missing or rejected. */
function checkKey(request: IncomingMessage, apiKey: string | undefined): Reply | null {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S.*)$/i.exec(header.trim());
  if (!match)
    return unauthorizedReply('No API key provided: send the header "Authorization: Bearer <API key>".');
  if (apiKey !== undefined && match[1] !== apiKey) return unauthorizedReply('The API key was rejected.');
  return null;
}

/** How an API request is answered, decided as it arrives and delivered once its latency is up. */
type Answer =
  | { kind: 'reply'; reply: Reply; fault?: string }
  | { kind: 'drop' }
  | { kind: 'truncated'; reply: Reply }
  | { kind: 'slow'; reply: Reply; chunkBytes: number; chunkDelayMs: number };

/**
 * One API request through every step; returns the fault that shaped it, if any. The answer is
 * worked out when the request arrives and sent when the configured latency has passed since, so
 * the latency is the time to an answer, as a client measures it: the emulator's own work (encoding
 * a page of 1,000 connectors is not free) is part of it, not added on top.
 */
async function serveApi(
  core: EmulatorCore,
  options: ServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  parts: { method: string; path: string; segments: string[]; query: URLSearchParams },
): Promise<{ status: number; fault?: string; ignored?: string[] }> {
  const body = await readBody(request);
  // on the emulator's clock (injectable): a test with a virtual clock gets the exact latency
  const answerAt = core.now() + core.faults.delayMs();
  const answer = decideAnswer(core, options, request, parts, body);
  const encoded = answer.kind === 'reply' ? encodeReply(answer.reply) : null;
  const left = answerAt - core.now();
  if (left > 0) await options.sleep(left);
  switch (answer.kind) {
    case 'drop':
      request.socket.destroy();
      return { status: 0, fault: 'drop' };
    case 'truncated':
      writeTruncated(response, answer.reply);
      return { status: answer.reply.status, fault: 'truncated' };
    case 'slow':
      await writeSlowly(response, answer.reply, {
        chunkBytes: answer.chunkBytes,
        chunkDelayMs: answer.chunkDelayMs,
        sleep: options.sleep,
      });
      return { status: answer.reply.status, fault: 'slow_body' };
    case 'reply':
      writeEncoded(response, encoded!);
      return {
        status: answer.reply.status,
        ...(answer.fault === undefined ? {} : { fault: answer.fault }),
        ...(answer.reply.ignored === undefined ? {} : { ignored: answer.reply.ignored }),
      };
  }
}

/** Every step but the sending: proxy faults, the key, the rate limit, the route, faults on the way out. */
function decideAnswer(
  core: EmulatorCore,
  options: ServerOptions,
  request: IncomingMessage,
  parts: { method: string; path: string; segments: string[]; query: URLSearchParams },
  body: RequestBody,
): Answer {
  const target: FaultTarget = { method: parts.method, path: parts.path };
  const { faults } = core;
  if (faults.take('drop', target, (rule) => rule.phase !== 'after')) return { kind: 'drop' };
  const html = faults.take('html', target);
  if (html) return { kind: 'reply', reply: proxyErrorPage(html.status ?? 502), fault: 'html' };
  const echo = faults.take('echo_secrets', target);
  if (echo) {
    const input = body.kind === 'json' ? body.value : null;
    return { kind: 'reply', reply: echoingRejection(echo.status ?? 422, input), fault: 'echo_secrets' };
  }
  const error = faults.take('error', target);
  const errorStatus = error
    ? (error.status ?? faults.pick(error.statuses ?? [502, 503, 504]))
    : faults.randomError();
  if (errorStatus !== null) return { kind: 'reply', reply: serverError(errorStatus), fault: 'error' };
  const refused = checkKey(request, options.apiKey);
  if (refused) return { kind: 'reply', reply: refused };
  const burst = faults.take('rate_limit', target);
  if (burst) {
    const retryAfter = retryAfterValue(
      burst.retryAfterSeconds ?? 1,
      burst.retryAfterForm ?? 'seconds',
      core.now(),
    );
    return { kind: 'reply', reply: rateLimitedReply(retryAfter), fault: 'rate_limit' };
  }
  const waitSeconds = faults.admit();
  if (waitSeconds !== null) return { kind: 'reply', reply: rateLimitedReply(String(waitSeconds)) };
  let pagingFault: string | undefined;
  const isApi = parts.segments[0] === 'v1' && parts.segments[1] === 'connectors';
  const reply = isApi
    ? handleApi(
        {
          store: core.store,
          faults,
          oauth: core.oauth,
          baseUrl: `http://${request.headers.host ?? `${options.host}:${options.port}`}`,
          noteFault: (name) => {
            pagingFault = pagingFault === undefined ? name : `${pagingFault},${name}`;
          },
          access: core.access,
        },
        { method: parts.method, path: parts.path, rest: parts.segments.slice(2), query: parts.query, body },
      )
    : parts.segments[0] === 'v1' && parts.segments[1] === 'agents'
      ? handleAgents(core.agents, { method: parts.method, rest: parts.segments.slice(2), query: parts.query })
      : routeNotFound();
  if (faults.take('drop', target, (rule) => rule.phase === 'after')) return { kind: 'drop' };
  if (faults.take('truncated', target)) return { kind: 'truncated', reply };
  const slow = faults.take('slow_body', target);
  if (slow) {
    return { kind: 'slow', reply, chunkBytes: slow.chunkBytes ?? 16, chunkDelayMs: slow.chunkDelayMs ?? 200 };
  }
  return pagingFault === undefined ? { kind: 'reply', reply } : { kind: 'reply', reply, fault: pagingFault };
}

async function serve(
  core: EmulatorCore,
  options: ServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const started = performance.now();
  const arrived = core.now();
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const method = (request.method ?? 'GET').toUpperCase();
  const segments = segmentsOf(url.pathname);
  if (segments === null) {
    writeReply(response, routeNotFound());
    return;
  }
  if (segments[0] === '_emulator') {
    const body = await readBody(request);
    writeReply(
      response,
      handleControl(core, { method, rest: segments.slice(1), query: url.searchParams, body }),
    );
    return;
  }
  const seq = core.log.nextSeq();
  const outcome = await serveApi(core, options, request, response, {
    method,
    path: url.pathname,
    segments,
    query: url.searchParams,
  });
  core.log.add({
    seq,
    method,
    path: url.pathname,
    query: queryRecord(url.searchParams),
    status: outcome.status,
    time: new Date(arrived).toISOString(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    ...(outcome.fault === undefined ? {} : { fault: outcome.fault }),
    ...(outcome.ignored === undefined ? {} : { ignored: outcome.ignored }),
  });
}

/** Starts listening; resolves once the port is bound. */
export async function listen(core: EmulatorCore, options: ServerOptions): Promise<ListeningServer> {
  const server = createServer((request, response) => {
    serve(core, options, request, response).catch((error: unknown) => {
      // A bug in the emulator must answer like a failing server, not hang the client.
      if (!response.headersSent && !response.destroyed) writeReply(response, serverError(500));
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  options.port = port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // keep-alive sockets and slow bodies would hold close() open
        server.closeAllConnections();
      }),
  };
}
