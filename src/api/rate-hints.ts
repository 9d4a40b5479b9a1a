import { parseRetryAfter } from './retry.js';

/** What a response's headers say about the rate limit; every field is optional because servers differ. */
export interface RateHints {
  /** How long the server asked us to wait (Retry-After), in ms. */
  retryAfterMs: number | null;
  /** Requests allowed per window, when the server says so. */
  limit: number | null;
  /** The window of `limit`, in ms, when the server says so (`ratelimit-policy: 10;w=1`). */
  windowMs: number | null;
  /** Requests left in the current window. */
  remaining: number | null;
  /** Time until the window resets, in ms. */
  resetMs: number | null;
}

/**
 * Reads Retry-After and the common rate-limit headers: the IETF draft's `ratelimit-limit`,
 * `ratelimit-remaining`, `ratelimit-reset`, `ratelimit-policy` and their older `x-ratelimit-*`
 * spellings. A reset above 1e9 is an epoch time in seconds (GitHub's form), otherwise a delta.
 */
export function readRateHints(headers: Record<string, string>, nowMs: number): RateHints {
  const pick = (name: string) => headers[`ratelimit-${name}`] ?? headers[`x-ratelimit-${name}`];
  const limit = leadingNumber(pick('limit'));
  const remaining = leadingNumber(pick('remaining'));
  const resetRaw = leadingNumber(pick('reset'));
  const resetMs =
    resetRaw === null ? null : resetRaw > 1e9 ? Math.max(0, resetRaw * 1000 - nowMs) : resetRaw * 1000;
  const policy = pick('policy');
  const windowSeconds = policy === undefined ? null : leadingNumber(/\bw=(\d+(?:\.\d+)?)/.exec(policy)?.[1]);
  return {
    retryAfterMs: parseRetryAfter(headers, nowMs),
    limit: limit !== null && limit > 0 ? limit : null,
    windowMs: windowSeconds !== null && windowSeconds > 0 ? windowSeconds * 1000 : null,
    remaining,
    resetMs,
  };
}

/** The limit the headers announce, in requests per second, or null. */
export function announcedPerSecond(hints: RateHints): number | null {
  return hints.limit !== null && hints.windowMs !== null ? (hints.limit * 1000) / hints.windowMs : null;
}

function leadingNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(value);
  return match?.[1] === undefined ? null : Number(match[1]);
}
