/**
 * The node:http edge: reading request bodies, parsing JSON the way FastAPI reports failures, and
 * writing replies, whole, cut short or trickled.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reply, ValidationDetail } from './replies.js';

/** Bodies above this size are refused with 413 (the API's connectors are small). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request body: absent, JSON, not JSON, or too large. */
export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'invalid'; detail: ValidationDetail }
  | { kind: 'too_large' };

/** Reads the whole body (bounded) and parses it as JSON when there is one. */
export async function readBody(request: IncomingMessage): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) return { kind: 'too_large' };
  if (size === 0) return { kind: 'none' };
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch (error) {
    const { position, reason } = describeJsonError(error);
    return {
      kind: 'invalid',
      detail: {
        type: 'json_invalid',
        loc: ['body', position],
        msg: 'JSON decode error',
        ctx: { error: reason },
      },
    };
  }
}

/**
 * Where and why JSON.parse failed, without quoting the body: V8's "Unexpected token" message
 * quotes the text, and a body may hold write-only secrets.
 */
function describeJsonError(error: unknown): { position: number; reason: string } {
  const message = error instanceof Error ? error.message : String(error);
  const position = Number(/at position (\d+)/.exec(message)?.[1] ?? 0);
  if (message.startsWith('Unexpected token')) return { position, reason: 'Unexpected token' };
  const reason = message
    .replace(/ in JSON at position.*$/s, '')
    .replace(/".*"/s, '')
    .trim();
  return { position, reason: reason === '' ? 'Invalid JSON' : reason };
}

/** Query parameters as a plain record (the last value wins), for the request log. */
export function queryRecord(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}

function headersFor(reply: Reply, length: number): Record<string, string | number> {
  const requestId = randomUUID();
  return {
    'content-type': reply.contentType ?? 'application/json',
    'content-length': length,
    // Mistral answers carry a correlation id; clients report it in errors.
    'mistral-correlation-id': requestId,
    'x-request-id': requestId,
    ...reply.headers,
  };
}

/** Writes a reply in one go. */
export function writeReply(response: ServerResponse, reply: Reply): void {
  writeEncoded(response, encodeReply(reply));
}

/** A reply with its body already in bytes, ready to send. */
export interface EncodedReply {
  reply: Reply;
  body: Buffer;
}

/** Encodes a reply's body ahead of sending it (a page of 1,000 connectors is large). */
export function encodeReply(reply: Reply): EncodedReply {
  return { reply, body: Buffer.from(reply.body, 'utf8') };
}

/** Sends an encoded reply. */
export function writeEncoded(response: ServerResponse, { reply, body }: EncodedReply): void {
  response.writeHead(reply.status, headersFor(reply, body.length));
  response.end(body);
}

/** Writes the first half of the body with a matching Content-Length: a complete response holding cut-off JSON. */
export function writeTruncated(response: ServerResponse, reply: Reply): void {
  const body = Buffer.from(reply.body, 'utf8');
  const cut = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  response.writeHead(reply.status, headersFor(reply, cut.length));
  response.end(cut);
}

/**
 * Sends headers at once, then the body a few bytes at a time with a pause between chunks, so a
 * client's body timeout fires. Stops when the client goes away.
 */
export async function writeSlowly(
  response: ServerResponse,
  reply: Reply,
  options: { chunkBytes: number; chunkDelayMs: number; sleep: (ms: number) => Promise<void> },
): Promise<void> {
  const body = Buffer.from(reply.body, 'utf8');
  response.writeHead(reply.status, headersFor(reply, body.length));
  response.flushHeaders();
  const step = Math.max(1, Math.floor(options.chunkBytes));
  for (let offset = 0; offset < body.length; offset += step) {
    if (response.destroyed || response.writableEnded) return;
    await options.sleep(options.chunkDelayMs);
    if (response.destroyed) return;
    response.write(body.subarray(offset, offset + step));
  }
  if (!response.destroyed) response.end();
}

/** The HTML page a reverse proxy answers with when the upstream fails. */
export function proxyErrorPage(status: number): Reply {
  const reason: Record<number, string> = {
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Temporarily Unavailable',
    504: 'Gateway Time-out',
  };
  const title = `${status} ${reason[status] ?? 'Error'}`;
  return {
    status,
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

/**
 * A rejection that quotes the request's write-only values back, in the message (as pydantic does
 * in `msg` and `input`) and in the request id: an API that should not, but might. Tests aim it at
 * a client to prove that nothing it echoes reaches output.
 */
export function echoingRejection(status: number, body: unknown): Reply {
  const values = writeOnlyValues(body);
  const detail = values.map((value) => ({
    type: 'value_error',
    loc: ['body', 'headers'],
    msg: `Value error, header value '${value}' is not accepted`,
    input: value,
  }));
  return {
    status,
    body: JSON.stringify({ detail }),
    headers: values.length === 0 ? {} : { 'x-request-id': `req-${values[0]}` },
  };
}

/** Every string under the body's write-only parts (the paths that carry header values and secrets). */
function writeOnlyValues(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const parts = body as Record<string, unknown>;
  const methods = Array.isArray(parts.auth_methods) ? parts.auth_methods : [];
  const carriers = [
    parts.headers,
    parts.auth_data,
    parts.global_headers,
    parts.credentials,
    ...methods.flatMap((method: unknown) =>
      typeof method === 'object' && method !== null
        ? [
            (method as Record<string, unknown>).global_headers,
            (method as Record<string, unknown>).oauth2_metadata_secrets,
          ]
        : [],
    ),
  ];
  return carriers.flatMap(strings).filter((value) => value !== '');
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(strings);
}
