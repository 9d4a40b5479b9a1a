/**
 * Emulated OAuth: `GET .../auth_url` issues a URL on the emulator itself that stays valid for the
 * TTL it announces. Opening it (a person "granting access") marks the connector authenticated and
 * redirects to `app_return_url`, as the real flow ends; after the TTL it is refused.
 */
import { randomBytes } from 'node:crypto';

interface PendingFlow {
  connectorId: string;
  appReturnUrl: string | null;
  expiresMs: number;
}

/** The outcome of opening an authorization URL. */
export type FlowResult =
  | { ok: true; connectorId: string; appReturnUrl: string | null }
  | { ok: false; reason: 'unknown' | 'expired' };

/** Pending authorization flows, keyed by their `state`. */
export class OAuthFlows {
  readonly #pending = new Map<string, PendingFlow>();
  readonly #now: () => number;
  ttlSeconds: number;

  constructor(now: () => number, ttlSeconds: number) {
    this.#now = now;
    this.ttlSeconds = ttlSeconds;
  }

  /** A fresh authorization URL for the connector and how long it stays valid. */
  issue(
    connectorId: string,
    appReturnUrl: string | null,
    baseUrl: string,
  ): { auth_url: string; ttl: number } {
    this.#prune();
    const state = randomBytes(16).toString('base64url');
    this.#pending.set(state, { connectorId, appReturnUrl, expiresMs: this.#now() + this.ttlSeconds * 1000 });
    const url = new URL('/_emulator/oauth/authorize', baseUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('connector_id', connectorId);
    url.searchParams.set('state', state);
    if (appReturnUrl !== null) url.searchParams.set('app_return_url', appReturnUrl);
    return { auth_url: url.toString(), ttl: this.ttlSeconds };
  }

  /** Completes a flow once; an expired or unknown state is refused. */
  complete(state: string): FlowResult {
    const flow = this.#pending.get(state);
    if (!flow) return { ok: false, reason: 'unknown' };
    this.#pending.delete(state);
    if (this.#now() > flow.expiresMs) return { ok: false, reason: 'expired' };
    return { ok: true, connectorId: flow.connectorId, appReturnUrl: flow.appReturnUrl };
  }

  /** Forgets every pending flow (reset). */
  clear(): void {
    this.#pending.clear();
  }

  #prune(): void {
    const now = this.#now();
    for (const [state, flow] of this.#pending) {
      // keep expired flows for a while so opening a stale URL says "expired" rather than "unknown"
      if (flow.expiresMs + 3_600_000 < now) this.#pending.delete(state);
    }
  }
}
