import { SecretSet } from '../redact.js';
import {
  type ApiError,
  errorForAbort,
  errorForBadResponse,
  errorForStatus,
  errorForTransport,
  type RequestContext,
} from './errors.js';
import {
  classifyFailure,
  type HttpMethod,
  type IncomingResponse,
  type OutgoingRequest,
  TransportError,
} from './http.js';
import type { Pacer } from './pace.js';
import { readRateHints } from './rate-hints.js';
import {
  type AttemptOutcome,
  backoffDelayMs,
  type RequestSafety,
  type RetryPolicy,
  retryVerdict,
  type Sleep,
} from './retry.js';
import type { Checked } from './shapes.js';
import type { ClientStats } from './types.js';

/** One attempt as the `onRequest` hook sees it (for logs and metrics); never a body or a header. */
export interface RequestEvent {
  method: HttpMethod;
  /** Path without the query string. */
  path: string;
  /** HTTP status, or null when the attempt failed below HTTP. */
  status: number | null;
  /** `network`, `timeout` or `aborted` when status is null. */
  failure?: 'network' | 'timeout' | 'aborted';
  durationMs: number;
  /** 1 for the first try. */
  attempt: number;
}

/** A call as the operations describe it; `check` validates the 2xx body (see shapes.ts). */
export interface ApiCall<T> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  safety: RequestSafety;
  /** Values from the body that must never appear in an error message. */
  secrets?: readonly string[];
  /** DELETE: a 404 after an attempt that may have been applied means the first one worked. */
  goneAfterRetryIsSuccess?: boolean;
  check: (json: unknown) => Checked<T>;
  /**
   * Sees a 2xx body's text before it is parsed (the listing reads the next cursor there early);
   * returns true when it started a request that should go out before this body is parsed.
   */
  peek?: (text: string) => boolean;
}

/** A 2xx answer, parsed and checked. */
export interface ApiReply<T> {
  status: number;
  headers: Record<string, string>;
  /** The checked body; null only with `alreadyGone`. */
  value: T | null;
  attempts: number;
  /** True when a 404 came after a retried DELETE whose earlier attempt probably succeeded. */
  alreadyGone: boolean;
}

/** What the transport needs; everything with a side effect comes in from outside. */
export interface TransportOptions {
  send: (request: OutgoingRequest, signal?: AbortSignal) => Promise<IncomingResponse>;
  origin: string;
  /** Headers of every request: authorization, user-agent, accept. */
  headers: Record<string, string>;
  pacer: Pacer;
  policy: RetryPolicy;
  sleep: Sleep;
  now: () => number;
  random: () => number;
  /** The API key and anything else that must never be printed. */
  secrets: readonly string[];
  onRequest?: (event: RequestEvent) => void;
}

/** Runs calls through the pacer with retries, counts them, and turns failures into ApiErrors. */
export class Transport {
  readonly #options: TransportOptions;
  readonly #stats: ClientStats = { requests: 0, requestsByStatus: {}, retries: 0, rateLimited: 0 };

  /** Every value this client ever sent as a secret: an answer to any later request may echo it. */
  readonly #secrets: SecretSet;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#secrets = new SecretSet(options.secrets);
  }

  /** Counters so far (a copy). */
  stats(): ClientStats {
    return { ...this.#stats, requestsByStatus: { ...this.#stats.requestsByStatus } };
  }

  /**
   * Sends a call until it succeeds, cannot be retried, or runs out of attempts or time: a wait
   * longer than the caller's `remainingMs` (the run's budget) or past the policy's total wait
   * gives up at once instead of sleeping.
   */
  async call<T>(call: ApiCall<T>, signal?: AbortSignal, remainingMs?: () => number): Promise<ApiReply<T>> {
    const opts = this.#options;
    for (const secret of call.secrets ?? []) this.#secrets.add(secret);
    const ctx: RequestContext = {
      method: call.method,
      path: call.path,
      origin: opts.origin,
      secrets: this.#secrets,
    };
    const request = buildRequest(call, opts.headers);
    const budget = new RetryBudget(opts.policy);
    let attempts = 0;
    let mayHaveApplied = false;
    let waitedMs = 0;
    for (;;) {
      const ticket = await opts.pacer.acquire(signal).catch((error: unknown) => {
        throw errorForAbort(ctx, false, error);
      });
      attempts += 1;
      const outcome = await this.#attempt(request, attempts, signal);
      const response = 'response' in outcome ? outcome.response : null;
      opts.pacer.record(
        ticket,
        response?.status ?? null,
        response ? readRateHints(response.headers, opts.now()) : NO_HINTS,
      );
      if (response !== null && response.status >= 200 && response.status < 300) {
        if (call.peek && !response.truncated) await peekThenYield(call.peek, response.text);
        return parseReply(ctx, call, response, attempts);
      }
      if (response?.status === 404 && call.goneAfterRetryIsSuccess && mayHaveApplied) {
        return { status: 404, headers: response.headers, value: null, attempts, alreadyGone: true };
      }
      const verdict = retryVerdict(outcome, call.safety);
      if ('failure' in outcome && outcome.failure.kind === 'aborted') {
        throw errorForAbort(ctx, verdict.action === 'stop' && verdict.outcomeUnknown, outcome.failure.cause);
      }
      if (verdict.action === 'stop') throw failureError(ctx, outcome, attempts, verdict.outcomeUnknown);
      const retry = budget.spend(verdict.rateLimited);
      // creates are only ever retried when the server did not act, so giving up leaves no doubt
      if (retry === null) throw failureError(ctx, outcome, attempts, false);
      const delay = this.#retryDelay(outcome, verdict.rateLimited, retry);
      const overrun = waitOverrun(delay, waitedMs, opts.policy.maxRetryWaitMs, remainingMs?.());
      if (overrun !== null) throw withNote(failureError(ctx, outcome, attempts, false), overrun);
      mayHaveApplied ||= 'failure' in outcome ? outcome.failure.maybeSent : outcome.response.status >= 500;
      this.#stats.retries += 1;
      waitedMs += delay;
      await opts.sleep(delay, signal).catch((error: unknown) => {
        throw errorForAbort(ctx, false, error);
      });
    }
  }

  async #attempt(request: OutgoingRequest, attempt: number, signal?: AbortSignal): Promise<AttemptOutcome> {
    const opts = this.#options;
    const started = opts.now();
    let outcome: AttemptOutcome;
    try {
      outcome = { response: await opts.send(request, signal) };
    } catch (error) {
      const failure =
        error instanceof TransportError
          ? error
          : classifyFailure(error, { connectMs: 0, headersMs: 0, bodyMs: 0 }, signal);
      outcome = { failure };
    }
    const status = 'response' in outcome ? outcome.response.status : null;
    this.#stats.requests += 1;
    const key = status === null ? ('failure' in outcome ? outcome.failure.kind : 'network') : String(status);
    this.#stats.requestsByStatus[key] = (this.#stats.requestsByStatus[key] ?? 0) + 1;
    if (status === 429) this.#stats.rateLimited += 1;
    this.#notify({
      method: request.method,
      path: request.path.split('?', 1)[0]!,
      status,
      ...('failure' in outcome ? { failure: outcome.failure.kind } : {}),
      durationMs: opts.now() - started,
      attempt,
    });
    return outcome;
  }

  #retryDelay(outcome: AttemptOutcome, rateLimited: boolean, retry: number): number {
    const { policy, random, now } = this.#options;
    if (rateLimited && 'response' in outcome) {
      const hinted = readRateHints(outcome.response.headers, now()).retryAfterMs;
      if (hinted !== null) return Math.min(hinted, policy.maxRetryAfterMs);
    }
    return backoffDelayMs(retry, policy, random);
  }

  #notify(event: RequestEvent): void {
    try {
      this.#options.onRequest?.(event);
    } catch {
      // a failing log or metrics hook must not fail the API call it observes
    }
  }
}

/** Retries left, counted apart for 429s (the pacer slows down) and for everything else. */
class RetryBudget {
  #rateLimited = 0;
  #other = 0;
  readonly #policy: RetryPolicy;

  constructor(policy: RetryPolicy) {
    this.#policy = policy;
  }

  /** Takes one retry of the kind; returns its number (1 for the first), or null when the attempts are used up. */
  spend(rateLimited: boolean): number | null {
    if (rateLimited) {
      this.#rateLimited += 1;
      return this.#rateLimited >= this.#policy.maxRateLimitedAttempts ? null : this.#rateLimited;
    }
    this.#other += 1;
    return this.#other >= this.#policy.maxAttempts ? null : this.#other;
  }
}

/** Why waiting `delay` more is not worth it, or null when it is. */
function waitOverrun(
  delay: number,
  waitedMs: number,
  maxWaitMs: number,
  remainingMs: number | undefined,
): string | null {
  if (remainingMs !== undefined && delay >= remainingMs)
    return `not retried: the wait of ${seconds(delay)} would outlast the run's time budget`;
  if (waitedMs + delay > maxWaitMs)
    return `not retried: ${seconds(waitedMs + delay)} of waiting in all is more than the ${seconds(maxWaitMs)} a request may wait`;
  return null;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

function withNote(error: ApiError, note: string): ApiError {
  error.message = `${error.message}; ${note}`;
  return error;
}

const NO_HINTS = { retryAfterMs: null, limit: null, windowMs: null, remaining: null, resetMs: null };

function buildRequest<T>(call: ApiCall<T>, baseHeaders: Record<string, string>): OutgoingRequest {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) params.append(name, String(value));
  }
  const query = params.toString();
  const path = query === '' ? call.path : `${call.path}?${query}`;
  if (call.body === undefined) return { method: call.method, path, headers: baseHeaders };
  return {
    method: call.method,
    path,
    headers: { ...baseHeaders, 'content-type': 'application/json' },
    body: JSON.stringify(call.body),
  };
}

function parseReply<T>(
  ctx: RequestContext,
  call: ApiCall<T>,
  response: IncomingResponse,
  attempts: number,
): ApiReply<T> {
  // a 2xx on create means the connector exists: an unreadable body leaves the caller not knowing it
  const unknown = call.safety === 'create';
  const fail = (reason: string) =>
    errorForBadResponse(ctx, response.status, response.headers, reason, unknown);
  if (response.truncated) throw fail('the body is larger than the client accepts');
  const text = response.text.trim();
  let json: unknown = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw fail(
        text.startsWith('<') ? 'an HTML body instead of JSON' : 'a body that is not valid JSON (truncated?)',
      );
    }
  }
  const checked = call.check(json);
  if (!checked.ok) throw fail(checked.reason);
  return {
    status: response.status,
    headers: response.headers,
    value: checked.value,
    attempts,
    alreadyGone: false,
  };
}

/**
 * Shows the raw body to `peek`, then lets the event loop turn: a request the peek started goes
 * out only from later turns of the loop, which parsing this body would otherwise hold back until
 * it is done.
 */
async function peekThenYield(peek: (text: string) => boolean, text: string): Promise<void> {
  let started = false;
  try {
    started = peek(text);
  } catch {
    // a look ahead that fails changes nothing: the parsed body decides
  }
  // two turns: undici writes to a reused keep-alive socket only after a full turn of the loop
  if (started) for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
}

function failureError(
  ctx: RequestContext,
  outcome: AttemptOutcome,
  attempts: number,
  outcomeUnknown: boolean,
): ApiError {
  if ('response' in outcome) return errorForStatus(ctx, outcome.response, attempts, outcomeUnknown);
  const { failure } = outcome;
  return errorForTransport(
    ctx,
    {
      kind: failure.kind === 'timeout' ? 'timeout' : 'network',
      detail: failure.detail,
      ...(failure.timeoutMs === undefined ? {} : { timeoutMs: failure.timeoutMs }),
      cause: failure.cause,
    },
    attempts,
    outcomeUnknown,
  );
}
