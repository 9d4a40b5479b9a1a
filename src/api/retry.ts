import { setTimeout as delay } from 'node:timers/promises';
import type { IncomingResponse, TransportError } from './http.js';

/** How hard the client tries before it reports a failure. */
export interface RetryPolicy {
  /** Attempts in all for 5xx, network errors and timeouts (the first try included). */
  maxAttempts: number;
  /** Attempts in all for 429s, counted apart: the pacer slows down instead of failing (DESIGN "Targets"). */
  maxRateLimitedAttempts: number;
  /** Backoff of the first retry before jitter. */
  baseDelayMs: number;
  /** Backoff cap before jitter. */
  maxDelayMs: number;
  /** The longest Retry-After honoured; a larger value is cut to this. */
  maxRetryAfterMs: number;
  /**
   * The most one call sleeps between its attempts, in all: a server that keeps answering
   * `Retry-After: 1000000000` is given up on after this, not after ten capped waits.
   */
  maxRetryWaitMs: number;
}

/** Defaults: about 8 s of retrying a flaky API, at most two minutes of waiting per call. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxRateLimitedAttempts: 10,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  maxRetryWaitMs: 120_000,
};

/** Waits, and rejects with the signal's reason when it aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real clock's sleep. */
export const realSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
};

/** Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(cap, base * 2^(retry-1))). */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After in milliseconds from `retry-after-ms`, or `retry-after` as seconds or an HTTP date; null if absent or unreadable. */
export function parseRetryAfter(headers: Record<string, string>, nowMs: number): number | null {
  const millis = headers['retry-after-ms']?.trim();
  if (millis !== undefined && /^\d+(\.\d+)?$/.test(millis)) return Math.ceil(Number(millis));
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/**
 * Whether a request can be sent twice with the same effect. `create` is POST /v1/connectors: sending
 * it twice may make two connectors, so it is repeated only when the server certainly did not act.
 */
export type RequestSafety = 'idempotent' | 'create';

/** What one attempt produced. */
export type AttemptOutcome = { response: IncomingResponse } | { failure: TransportError };

// 500 is retried too on idempotent requests: the official SDK's retry codes include it, and a GET
// or PATCH repeated after a 500 does no harm.
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

/** What to do after an attempt: try again, or stop (and whether the outcome is then unknown). */
export type RetryVerdict =
  | { action: 'retry'; rateLimited: boolean }
  | { action: 'stop'; outcomeUnknown: boolean };

/** Decides whether an attempt may be repeated, from its outcome and the request's safety alone. */
export function retryVerdict(outcome: AttemptOutcome, safety: RequestSafety): RetryVerdict {
  if ('response' in outcome) {
    const { status } = outcome.response;
    // a 429 means the server refused the request: repeating it is safe even for a create
    if (status === 429) return { action: 'retry', rateLimited: true };
    if (safety === 'idempotent' && RETRIED_STATUSES.has(status))
      return { action: 'retry', rateLimited: false };
    // a create that met a 5xx may have been stored before the server or a proxy failed
    return { action: 'stop', outcomeUnknown: safety === 'create' && status >= 500 };
  }
  const { failure } = outcome;
  if (failure.kind === 'aborted')
    return { action: 'stop', outcomeUnknown: safety === 'create' && failure.maybeSent };
  if (safety === 'idempotent' || !failure.maybeSent) return { action: 'retry', rateLimited: false };
  return { action: 'stop', outcomeUnknown: true };
}
