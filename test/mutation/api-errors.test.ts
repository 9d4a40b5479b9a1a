/** API errors word by word: what a person reads, and that no secret survives into it. */
import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  errorForAbort,
  errorForBadResponse,
  errorForStatus,
  errorForTransport,
  isApiError,
} from '../../src/api/errors.js';
import { ConnectorSyncError } from '../../src/errors.js';
import { redactSecrets, SecretSet } from '../../src/redact.js';

const CANARY = 'canary-7f3e-secret';
const ctx = {
  method: 'POST',
  path: '/v1/connectors',
  origin: 'https://api.example.com',
  secrets: new SecretSet([CANARY]),
};
const none = new SecretSet();
const status = (
  code: number,
  text = '',
  headers: Record<string, string> = {},
  attempts = 1,
  unknown = false,
) => errorForStatus(ctx, { status: code, headers, text }, attempts, unknown);

/**
 * errors.js loaded afresh inside a test: its tables (status words, request id headers, network
 * phrases) are module constants, and a mutation run charges code that runs at import, outside any
 * test, to no test that checks it.
 */
async function freshErrors() {
  vi.resetModules();
  return import('../../src/api/errors.js');
}

describe('the outcome of a failed write', () => {
  it('is known unless the error says otherwise: a field of every ConnectorSyncError', () => {
    expect(new ConnectorSyncError('API_NETWORK', 'refused').outcomeUnknown).toBe(false);
    expect(new ConnectorSyncError('ABORTED', 'cancelled', { outcomeUnknown: true }).outcomeUnknown).toBe(
      true,
    );
  });
});

describe('API errors', () => {
  it('name the status in words, with what the API said', async () => {
    const fresh = await freshErrors();
    const status = (code: number, text = '', headers: Record<string, string> = {}) =>
      fresh.errorForStatus(ctx, { status: code, headers, text }, 1, false);
    const cases: [number, string, string, boolean][] = [
      [404, 'API_NOT_FOUND', 'not found', false],
      [409, 'API_CONFLICT', 'conflict', false],
      [422, 'API_VALIDATION', 'rejected as invalid', false],
      [429, 'API_RATE_LIMITED', 'rate limited', true],
      [500, 'API_SERVER', 'server error', true],
      [503, 'API_SERVER', 'server error', true],
      [418, 'API_HTTP', 'unexpected answer', false],
      [499, 'API_HTTP', 'unexpected answer', false],
    ];
    for (const [code, errorCode, words, retryable] of cases) {
      const error = status(code, '{"message":"nope"}');
      expect(error).toBeInstanceOf(fresh.ApiError);
      expect([error.code, error.message, error.retryable, error.status]).toEqual([
        errorCode,
        `POST /v1/connectors: ${words} (HTTP ${code}): nope`,
        retryable,
        code,
      ]);
      expect(error.name).toBe('ApiError');
      expect(fresh.isApiError(error)).toBe(true);
    }
    expect(status(404).message).toBe('POST /v1/connectors: not found (HTTP 404)');
    expect(status(502, '<html><title>Bad gateway</title></html>').message).toBe(
      'POST /v1/connectors: server error (HTTP 502): HTTP 502 with an HTML body (a proxy error page?): Bad gateway',
    );
    expect(isApiError(new ConnectorSyncError('API_SERVER', 'x'))).toBe(false);
    expect(status(502, 'Bad gateway', { 'content-type': 'text/html' }).message).toBe(
      'POST /v1/connectors: server error (HTTP 502): HTTP 502 with an HTML body (a proxy error page?)',
    );
  });

  it('give the hint of a rate limit and of a server error, and none otherwise', () => {
    expect(status(429).hint).toBe(
      "the organization's rate limit (requests per second) was reached; run again later",
    );
    expect(status(500).hint).toBe('the API or a proxy in front of it failed; run again later');
    expect(status(404).hint).toBeUndefined();
  });

  it('add the attempts, the unknown outcome and the request id', () => {
    const error = status(500, '', { 'x-request-id': 'req-1' }, 3, true);
    expect(error.message).toBe(
      'POST /v1/connectors: server error (HTTP 500); gave up after 3 attempts; the outcome is unknown (the API may have applied it) [request id req-1]',
    );
    expect([error.attempts, error.outcomeUnknown, error.requestId, error.method, error.path]).toEqual([
      3,
      true,
      'req-1',
      'POST',
      '/v1/connectors',
    ]);
    expect(status(500, '', {}, 1).message).toBe('POST /v1/connectors: server error (HTTP 500)');
    expect(status(500, '', {}, 2).message).toContain('; gave up after 2 attempts');
  });

  it('keep the 422 details, redacted', () => {
    const body = JSON.stringify({
      detail: [{ loc: ['body', 'server'], msg: `bad ${CANARY}`, input: CANARY }],
    });
    const error = status(422, body);
    expect(error.details).toEqual(['body.server: bad [redacted]']);
    expect(error.message).toBe(
      'POST /v1/connectors: rejected as invalid (HTTP 422): body.server: bad [redacted]',
    );
  });

  it('say what to do about a rejected key or a refused permission', () => {
    const rejected = status(401, '{"message":"bad key"}');
    expect([rejected.code, rejected.retryable, rejected.outcomeUnknown, rejected.hint]).toEqual([
      'API_UNAUTHORIZED',
      false,
      false,
      undefined,
    ]);
    expect(rejected.message).toBe(
      'The API rejected the API key (HTTP 401 on POST /v1/connectors): set a valid key in MISTRAL_API_KEY or MISTRAL_API_KEY_FILE.',
    );
    const refused = status(403, '{"message":"admins only"}', { 'request-id': 'r2' });
    expect(refused.message).toBe(
      'The API refused POST /v1/connectors for this API key (HTTP 403: admins only).',
    );
    expect(refused.hint).toBe(
      "check that the key's user may do this (shared_org connectors need an organization admin)",
    );
    expect([refused.status, refused.requestId]).toEqual([403, 'r2']);
    expect(status(403).message).toBe('The API refused POST /v1/connectors for this API key (HTTP 403).');
  });

  it('find the request id under any header proxies use, first one first, clipped', async () => {
    const { requestIdOf } = await freshErrors();
    expect(requestIdOf({}, none)).toBeNull();
    expect(requestIdOf({ 'x-request-id': '', 'cf-ray': 'ray' }, none)).toBe('ray');
    expect(requestIdOf({ 'cf-ray': 'ray', 'x-request-id': 'a' }, none)).toBe('a');
    for (const name of ['request-id', 'mistral-correlation-id', 'x-correlation-id', 'x-amzn-requestid']) {
      expect(requestIdOf({ [name]: name }, none)).toBe(name);
    }
    expect(requestIdOf({ 'x-request-id': 'x'.repeat(200) }, none)).toHaveLength(128);
    // redacted before it is cut, so no clipped run of a secret survives the 128-character limit
    expect(requestIdOf({ 'x-request-id': `${'x'.repeat(110)}${CANARY}` }, ctx.secrets)).toBe(
      `${'x'.repeat(110)}[redacted]`,
    );
  });

  it('redact every secret, the longest first, and ignore empty ones', () => {
    expect(redactSecrets('ab abc', ['ab', 'abc', ''])).toBe('[redacted] [redacted]');
    expect(redactSecrets('nothing here', [])).toBe('nothing here');
    expect(redactSecrets('x', [''])).toBe('x');
    const error = new ApiError('API_SERVER', `boom ${CANARY}`, {
      status: 500,
      method: 'GET',
      path: '/p',
      requestId: null,
      retryable: true,
      outcomeUnknown: false,
      hint: `hint ${CANARY}`,
      details: [`d ${CANARY}`],
      secrets: new SecretSet([CANARY]),
    });
    expect([error.message, error.hint, error.details]).toEqual([
      'boom [redacted]',
      'hint [redacted]',
      ['d [redacted]'],
    ]);
    expect(error.attempts).toBe(1);
    const bare = new ApiError('API_SERVER', `boom ${CANARY}`, {
      status: 500,
      method: 'GET',
      path: '/p',
      requestId: null,
      retryable: false,
      outcomeUnknown: false,
    });
    expect([bare.message, bare.hint, bare.details, bare.retryable]).toEqual([
      `boom ${CANARY}`,
      undefined,
      [],
      false,
    ]);
    expect('hint' in bare && bare.hint !== undefined).toBe(false);
    expect(bare.cause).toBeUndefined();
  });

  it('redact a secret the server echoed in its message', () => {
    expect(status(500, JSON.stringify({ message: `token ${CANARY} refused` })).message).not.toContain(CANARY);
  });

  it('say which phase timed out, and how long it waited', () => {
    const timeout = (detail: string, timeoutMs?: number) =>
      errorForTransport(
        ctx,
        { kind: 'timeout', detail, cause: null, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
        1,
        false,
      );
    expect(timeout('connect', 100).message).toBe('POST /v1/connectors: no connection within 100 ms');
    expect(timeout('headers').message).toBe('POST /v1/connectors: no response');
    expect(timeout('request', 9).message).toBe('POST /v1/connectors: no complete response within 9 ms');
    expect(timeout('body', 5).message).toBe('POST /v1/connectors: the response body stalled within 5 ms');
    const error = timeout('connect');
    expect([error.code, error.retryable, error.status, error.requestId, error.hint]).toEqual([
      'API_TIMEOUT',
      true,
      null,
      null,
      'check the network and the API URL (MISTRAL_API_URL or --api-url)',
    ]);
  });

  it('name a network failure in words, with its code', async () => {
    const { errorForTransport } = await freshErrors();
    const cause = new Error('low level');
    const network = (detail: string, attempts = 1, unknown = false) =>
      errorForTransport(ctx, { kind: 'network', detail, cause }, attempts, unknown);
    const phrases: Record<string, string> = {
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
    for (const [code, phrase] of Object.entries(phrases)) {
      expect(network(code).message).toBe(
        `POST /v1/connectors: network error talking to https://api.example.com (${phrase}, ${code})`,
      );
    }
    const odd = network('EWEIRD', 2, true);
    expect(odd.message).toBe(
      'POST /v1/connectors: network error talking to https://api.example.com (EWEIRD); gave up after 2 attempts; the outcome is unknown (the API may have applied it)',
    );
    expect([odd.code, odd.cause, odd.attempts, odd.outcomeUnknown]).toEqual(['API_NETWORK', cause, 2, true]);
  });

  it('say when a 2xx answer is not what the API documents, and when a call was cancelled', () => {
    const bad = errorForBadResponse(ctx, 200, { 'x-request-id': 'r' }, 'not JSON', true);
    expect(bad.message).toBe(
      'POST /v1/connectors: unexpected response (HTTP 200): not JSON; the outcome is unknown (the API may have applied it) [request id r]',
    );
    expect([bad.code, bad.retryable, bad.status, bad.hint]).toEqual([
      'API_BAD_RESPONSE',
      false,
      200,
      'is MISTRAL_API_URL (or --api-url) pointing at the Mistral API?',
    ]);
    const cause = new Error('aborted');
    const aborted = errorForAbort(ctx, false, cause);
    expect([aborted.code, aborted.message, aborted.retryable, aborted.cause, aborted.status]).toEqual([
      'ABORTED',
      'POST /v1/connectors: cancelled',
      false,
      cause,
      null,
    ]);
    expect(errorForAbort(ctx, true, cause).message).toBe(
      'POST /v1/connectors: cancelled; the outcome is unknown (the API may have applied it)',
    );
  });
});
