import type { Dispatcher } from 'undici';
import { request as sendRequest } from './undici.js';

/** The methods the Connectors API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Per-phase limits, in milliseconds. The connect limit is set on the pool (see client.ts). */
export interface HttpTimeouts {
  connectMs: number;
  headersMs: number;
  /** Idle time between two chunks of the body (undici's body timeout). */
  bodyMs: number;
  /**
   * The whole exchange, from sending to the last byte: the phase limits measure idle time only,
   * so a body dribbled a byte a second would otherwise never end.
   */
  requestMs?: number;
}

/** One HTTP exchange as the client sends it. */
export interface OutgoingRequest {
  method: HttpMethod;
  /** Path and query, e.g. `/v1/connectors?page_size=1000`. */
  path: string;
  headers: Record<string, string>;
  /** JSON text, already serialized. */
  body?: string;
}

/** A response read to the end (or to the size limit). */
export interface IncomingResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** True when the body was larger than the limit and was cut. */
  truncated: boolean;
}

/** A request that failed below HTTP: no status to go by. */
export class TransportError extends Error {
  readonly kind: 'network' | 'timeout' | 'aborted';
  /** The phase for timeouts (connect, headers, body), the system or undici code otherwise. */
  readonly detail: string;
  readonly timeoutMs: number | undefined;
  /** False only when the request certainly never reached the server (refused, DNS, connect timeout). */
  readonly maybeSent: boolean;

  constructor(
    kind: TransportError['kind'],
    detail: string,
    maybeSent: boolean,
    cause: unknown,
    timeoutMs?: number,
  ) {
    super(`${kind}: ${detail}`, { cause });
    this.name = 'TransportError';
    this.kind = kind;
    this.detail = detail;
    this.maybeSent = maybeSent;
    this.timeoutMs = timeoutMs;
  }
}

/** Sends one request and reads the whole response; throws TransportError for anything below HTTP. */
export async function sendOnce(
  dispatcher: Dispatcher,
  origin: string,
  request: OutgoingRequest,
  timeouts: HttpTimeouts,
  maxBodyBytes: number,
  signal?: AbortSignal,
): Promise<IncomingResponse> {
  // one controller per request, its timer cleared and its listener removed when the exchange
  // ends: AbortSignal.timeout and AbortSignal.any would keep two signals and a timer per request
  // alive for the whole requestMs (a daemon's first sync of 10,000: 10,000 of each for a minute)
  const controller = new AbortController();
  let timedOut = false;
  const deadline =
    timeouts.requestMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new DOMException('the request took too long', 'TimeoutError'));
        }, timeouts.requestMs);
  const follow = () => controller.abort(signal?.reason);
  if (signal?.aborted) follow();
  else signal?.addEventListener('abort', follow, { once: true });
  try {
    const response = await sendRequest(dispatcher, {
      origin,
      path: request.path,
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
    const { text, truncated } = await readText(response.body, maxBodyBytes);
    return { status: response.statusCode, headers: normalizeHeaders(response.headers), text, truncated };
  } catch (error) {
    if (timedOut && !signal?.aborted)
      throw new TransportError('timeout', 'request', true, error, timeouts.requestMs);
    throw classifyFailure(error, timeouts, signal);
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', follow);
  }
}

async function readText(body: AsyncIterable<Buffer | string>, maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      // stop reading: a body this large is not an answer of this API; the rest is discarded
      const destroyable = body as { destroy?: () => void };
      destroyable.destroy?.();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function normalizeHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

// Failures that happen before a single byte of the request could reach the server.
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** Maps undici's and the OS's errors onto the three things the retry policy needs to know. */
export function classifyFailure(
  error: unknown,
  timeouts: HttpTimeouts,
  signal?: AbortSignal,
): TransportError {
  if (error instanceof TransportError) return error;
  if (signal?.aborted) return new TransportError('aborted', 'aborted', true, signal.reason ?? error);
  const code = failureCode(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new TransportError('timeout', 'connect', false, error, timeouts.connectMs);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new TransportError('timeout', 'headers', true, error, timeouts.headersMs);
    case 'UND_ERR_BODY_TIMEOUT':
      return new TransportError('timeout', 'body', true, error, timeouts.bodyMs);
    default:
      return new TransportError('network', code, !NOT_SENT.has(code), error);
  }
}

/** The most specific code of an error, looking into `cause` and AggregateError (happy eyeballs). */
function failureCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof record.code === 'string' && record.code !== '') return record.code;
    if (Array.isArray(record.errors) && record.errors.length > 0) current = record.errors[0];
    else current = record.cause;
  }
  if (error instanceof Error && error.name !== 'Error') return error.name;
  return 'unknown network error';
}
