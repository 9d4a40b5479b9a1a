import { MockAgent } from 'undici';
import { type ClientOptions, createClient } from '../../src/api/client.js';

/** Origin of the mocked API. */
export const ORIGIN = 'https://api.connectors.test';
/** The API key of every mocked client; tests check it never shows in a message. */
export const API_KEY = 'sk-test-CANARY-KEY-0123456789';

/** A request the mocked API received. */
export interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
  /** Fake time when it arrived. */
  at: number;
}

/** A path matcher for `path` with or without a query string. */
export function at(path: string): (actual: string) => boolean {
  return (actual) => actual === path || actual.startsWith(`${path}?`);
}

/**
 * A client wired to an undici MockAgent with a fake clock: `sleep` records the delay and moves the
 * clock instead of waiting, so retries and pauses are asserted on exactly and run instantly.
 */
export function harness(options: Partial<ClientOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  const seen: Seen[] = [];
  const sleeps: number[] = [];
  let clock = 1_700_000_000_000;
  const now = () => clock;

  const reply = (
    method: string,
    path: string,
    status: number,
    body: unknown = {},
    headers: Record<string, string> = {},
  ) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const contentType = typeof body === 'string' ? 'text/plain' : 'application/json';
    return pool.intercept({ method, path: at(path) }).reply((opts) => {
      seen.push({
        method: opts.method,
        path: opts.path,
        headers: lowerCase(opts.headers),
        body: typeof opts.body === 'string' ? opts.body : null,
        at: clock,
      });
      return {
        statusCode: status,
        data: text,
        responseOptions: { headers: { 'content-type': contentType, ...headers } },
      };
    });
  };

  const fail = (method: string, path: string, code: string) =>
    pool
      .intercept({ method, path: at(path) })
      .replyWithError(Object.assign(new Error(`simulated ${code}`), { code }));

  const client = createClient({
    baseUrl: ORIGIN,
    apiKey: API_KEY,
    dispatcher: agent,
    now,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  });
  return { agent, client, seen, sleeps, reply, fail, now };
}

function lowerCase(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  const entries =
    headers instanceof Headers
      ? [...headers.entries()]
      : Object.entries(headers as Record<string, string | string[]>);
  for (const [name, value] of entries)
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

/** A connector as the API returns it, with a UUID derived from `n`. */
export function connector(n: number, name = `connector-${n}`) {
  const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  return {
    id,
    name,
    description: `connector ${n}`,
    created_at: '2026-01-01T00:00:00Z',
    modified_at: '2026-01-01T00:00:00Z',
    server: `https://mcp.example.com/${n}`,
    owner_type: 'workspace',
    visibility: 'shared_workspace',
    private_tool_execution: false,
  };
}

/** A list page body. */
export function page(items: unknown[], nextCursor: string | null) {
  return { items, pagination: { next_cursor: nextCursor, page_size: 1000 } };
}

/** Catches the rejection of a promise as a value, failing when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
