import { ConnectorSyncError, type ErrorCode } from '../errors.js';
import { SecretSet } from '../redact.js';
import { summarizeErrorBody } from './error-body.js';

/** Where an API error happened: enough to say what was attempted, never the request body. */
export interface RequestContext {
  method: string;
  /** Path without the query string (cursors and return URLs stay out of messages). */
  path: string;
  /** scheme://host of the API, for network errors. */
  origin: string;
  /** Values that must never appear in a message: the API key, header values, client secrets. */
  secrets: SecretSet;
}

/** Everything an ApiError carries besides its code and message. */
export interface ApiErrorInit {
  status: number | null;
  method: string;
  path: string;
  requestId: string | null;
  retryable: boolean;
  /** True when the request may have been applied (a create that must be looked up before any retry). */
  outcomeUnknown: boolean;
  /** Validation issues rendered as `loc: msg`, when the API listed them (422). */
  details?: string[];
  /** How many attempts were made before giving up. */
  attempts?: number;
  hint?: string;
  cause?: unknown;
  secrets?: SecretSet;
}

/** An error from talking to the Connectors API, with the facts a person or the applier needs. */
export class ApiError extends ConnectorSyncError {
  readonly status: number | null;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | null;
  readonly details: string[];
  readonly attempts: number;

  constructor(code: ErrorCode, message: string, init: ApiErrorInit) {
    // again on the finished text: whatever was cut or escaped on the way, no run of a secret survives
    const secrets = init.secrets ?? new SecretSet();
    super(code, secrets.redact(message), {
      retryable: init.retryable,
      outcomeUnknown: init.outcomeUnknown,
      ...(init.hint === undefined ? {} : { hint: secrets.redact(init.hint) }),
      ...(init.cause === undefined ? {} : { cause: init.cause }),
    });
    this.name = 'ApiError';
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId === null ? null : secrets.redact(init.requestId);
    this.details = (init.details ?? []).map((line) => secrets.redact(line));
    this.attempts = init.attempts ?? 1;
  }
}

/** True for errors raised by the API client. */
export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const REQUEST_ID_HEADERS = [
  'x-request-id',
  'request-id',
  'mistral-correlation-id',
  'x-correlation-id',
  'x-amzn-requestid',
  'cf-ray',
];

/** The request id the API or a proxy put on a response, if any; redacted before it is cut. */
export function requestIdOf(headers: Record<string, string>, secrets: SecretSet): string | null {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers[name];
    if (value !== undefined && value !== '') return secrets.redact(value).slice(0, 128);
  }
  return null;
}

const STATUS_CODES: Array<[(status: number) => boolean, ErrorCode, string]> = [
  [(s) => s === 404, 'API_NOT_FOUND', 'not found'],
  [(s) => s === 409, 'API_CONFLICT', 'conflict'],
  [(s) => s === 422, 'API_VALIDATION', 'rejected as invalid'],
  [(s) => s === 429, 'API_RATE_LIMITED', 'rate limited'],
  [(s) => s >= 500, 'API_SERVER', 'server error'],
];

/** Facts about a response the client gave up on. */
export interface FailedResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** The typed error for an HTTP status the client will not (or no longer) retry. */
export function errorForStatus(
  ctx: RequestContext,
  response: FailedResponse,
  attempts: number,
  outcomeUnknown: boolean,
): ApiError {
  const { status } = response;
  const requestId = requestIdOf(response.headers, ctx.secrets);
  // redacted on the whole raw body, before the summary cuts, unescapes or cleans anything
  const text = ctx.secrets.redact(response.text);
  const summary = summarizeErrorBody(status, text, response.headers['content-type'] ?? null);
  const base = { status, method: ctx.method, path: ctx.path, requestId, attempts, secrets: ctx.secrets };
  if (status === 401 || status === 403) return unauthorized(ctx, status, summary.message, base);
  const [, code, what] = STATUS_CODES.find(([matches]) => matches(status)) ?? [
    null,
    'API_HTTP',
    'unexpected answer',
  ];
  const retryable = status === 429 || status >= 500;
  const said =
    summary.kind === 'html' ? `: ${summary.message}` : summary.message === null ? '' : `: ${summary.message}`;
  const message =
    `${ctx.method} ${ctx.path}: ${what} (HTTP ${status})${said}` +
    attemptsNote(attempts) +
    outcomeNote(outcomeUnknown) +
    requestIdNote(requestId);
  return new ApiError(code, message, {
    ...base,
    retryable,
    outcomeUnknown,
    details: summary.details,
    ...hintFor(code),
  });
}

function unauthorized(
  ctx: RequestContext,
  status: number,
  said: string | null,
  base: Omit<ApiErrorInit, 'retryable' | 'outcomeUnknown'>,
): ApiError {
  const message =
    status === 401
      ? `The API rejected the API key (HTTP 401 on ${ctx.method} ${ctx.path}): set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE.`
      : `The API refused ${ctx.method} ${ctx.path} for this API key (HTTP 403${said === null ? '' : `: ${said}`}).`;
  // a 403 is about permission more often than about the key (shared_org needs an admin; tools need OAuth first)
  const hint =
    status === 403
      ? "check that the key's user may do this (shared_org connectors need an organization admin)"
      : undefined;
  return new ApiError('API_UNAUTHORIZED', message, {
    ...base,
    retryable: false,
    outcomeUnknown: false,
    ...(hint === undefined ? {} : { hint }),
  });
}

function hintFor(code: ErrorCode): { hint?: string } {
  switch (code) {
    case 'API_RATE_LIMITED':
      return { hint: "the organization's rate limit (requests per second) was reached; run again later" };
    case 'API_SERVER':
      return { hint: 'the API or a proxy in front of it failed; run again later' };
    default:
      return {};
  }
}

/** How a request failed below HTTP (see http.ts). */
export interface TransportFailureFacts {
  kind: 'network' | 'timeout';
  /** connect, headers, body or request for timeouts; the system or undici code for network errors. */
  detail: string;
  timeoutMs?: number;
  cause: unknown;
}

/** The typed error for a connection failure or a timeout the client gave up on. */
export function errorForTransport(
  ctx: RequestContext,
  failure: TransportFailureFacts,
  attempts: number,
  outcomeUnknown: boolean,
): ApiError {
  const what =
    failure.kind === 'timeout'
      ? `${timeoutPhrase(failure.detail)}${failure.timeoutMs === undefined ? '' : ` within ${failure.timeoutMs} ms`}`
      : `network error talking to ${ctx.origin} (${networkPhrase(failure.detail)})`;
  const message = `${ctx.method} ${ctx.path}: ${what}${attemptsNote(attempts)}${outcomeNote(outcomeUnknown)}`;
  return new ApiError(failure.kind === 'timeout' ? 'API_TIMEOUT' : 'API_NETWORK', message, {
    status: null,
    method: ctx.method,
    path: ctx.path,
    requestId: null,
    retryable: true,
    outcomeUnknown,
    attempts,
    secrets: ctx.secrets,
    cause: failure.cause,
    hint: 'check the network and the API URL (MISTRAL_API_URL or --api-url)',
  });
}

const NETWORK_PHRASES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function networkPhrase(code: string): string {
  const phrase = NETWORK_PHRASES[code];
  return phrase === undefined ? code : `${phrase}, ${code}`;
}

function timeoutPhrase(phase: string): string {
  if (phase === 'connect') return 'no connection';
  if (phase === 'headers') return 'no response';
  if (phase === 'request') return 'no complete response';
  return 'the response body stalled';
}

/** The error for a 2xx answer whose body is not what the API documents. */
export function errorForBadResponse(
  ctx: RequestContext,
  status: number,
  headers: Record<string, string>,
  reason: string,
  outcomeUnknown: boolean,
): ApiError {
  const requestId = requestIdOf(headers, ctx.secrets);
  const message = `${ctx.method} ${ctx.path}: unexpected response (HTTP ${status}): ${reason}${outcomeNote(outcomeUnknown)}${requestIdNote(requestId)}`;
  return new ApiError('API_BAD_RESPONSE', message, {
    status,
    method: ctx.method,
    path: ctx.path,
    requestId,
    retryable: false,
    outcomeUnknown,
    secrets: ctx.secrets,
    hint: 'is MISTRAL_API_URL (or --api-url) pointing at the Mistral API?',
  });
}

/** The error for a call cancelled through its AbortSignal. */
export function errorForAbort(ctx: RequestContext, outcomeUnknown: boolean, cause: unknown): ApiError {
  return new ApiError('ABORTED', `${ctx.method} ${ctx.path}: cancelled${outcomeNote(outcomeUnknown)}`, {
    status: null,
    method: ctx.method,
    path: ctx.path,
    requestId: null,
    retryable: false,
    outcomeUnknown,
    secrets: ctx.secrets,
    cause,
  });
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? `; gave up after ${attempts} attempts` : '';
}

function outcomeNote(outcomeUnknown: boolean): string {
  return outcomeUnknown ? '; the outcome is unknown (the API may have applied it)' : '';
}

function requestIdNote(requestId: string | null): string {
  return requestId === null ? '' : ` [request id ${requestId}]`;
}
