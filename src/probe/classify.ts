/**
 * Turns what a probe saw on the wire into a status and a cause. The SDK's own errors are phrased
 * for developers and differ per transport, so the probe watches its HTTP responses (observe.ts)
 * and classifies from the status, the content type and the network error's code instead.
 */
import type { ServerStatus } from './types.js';

/** The last HTTP answer a probe received (headers only; bodies are never kept). */
export interface SeenResponse {
  status: number;
  contentType: string;
  wwwAuthenticate: string | null;
}

/** A status and a cause for a probe that did not complete `initialize` + `tools/list`. */
export interface Failure {
  status: ServerStatus;
  cause: string;
  resourceMetadata: string | null;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** Classifies a failed probe from the last response seen and the error that ended it. */
export function classifyFailure(seen: SeenResponse | null, error: unknown, timedOut: boolean): Failure {
  if (timedOut) return { status: 'timeout', cause: 'no answer before the deadline', resourceMetadata: null };
  if (seen === null) return { status: 'unreachable', cause: networkCause(error), resourceMetadata: null };
  if (seen.status === 401) {
    const metadata = resourceMetadataOf(seen.wwwAuthenticate);
    return {
      status: 'auth-required',
      cause: seen.wwwAuthenticate ? 'HTTP 401 with WWW-Authenticate' : 'HTTP 401',
      resourceMetadata: metadata,
    };
  }
  if (seen.status >= 400) return { status: 'not-mcp', cause: `HTTP ${seen.status}`, resourceMetadata: null };
  if (/text\/html/i.test(seen.contentType)) return notMcp('an HTML page, not JSON-RPC');
  if (/json/i.test(seen.contentType)) return notMcp('a JSON answer that is not JSON-RPC');
  if (/event-stream/i.test(seen.contentType)) return notMcp('an event stream with no MCP answer in it');
  return notMcp(`an answer of type ${seen.contentType || 'unknown'}, not JSON-RPC`);
}

function notMcp(cause: string): Failure {
  return { status: 'not-mcp', cause, resourceMetadata: null };
}

/** "DNS lookup failed (ENOTFOUND)", "TLS: CERT_HAS_EXPIRED", "connection refused (ECONNREFUSED)". */
export function networkCause(error: unknown): string {
  const code = deepCode(error);
  if (code && DNS_CODES.has(code)) return `DNS lookup failed (${code})`;
  if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code)) return `TLS: ${code}`;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ECONNRESET') return 'connection reset (ECONNRESET)';
  if (code) return `network error (${code})`;
  return 'network error';
}

/** The first `code` on the error or its causes (fetch wraps the socket's error in `cause`). */
function deepCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Object; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** The `resource_metadata` parameter of a Bearer challenge (RFC 9728), when present. */
export function resourceMetadataOf(header: string | null): string | null {
  if (!header) return null;
  const match = /resource_metadata\s*=\s*"([^"]*)"|resource_metadata\s*=\s*([^\s,]+)/i.exec(header);
  return match ? (match[1] ?? match[2] ?? null) : null;
}
