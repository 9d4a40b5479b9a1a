/** Shared by the emulator tests: raw HTTP calls over loopback and small seed builders. */
import { request } from 'undici';
import { afterEach, expect } from 'vitest';
import {
  type EmulatorOptions,
  type RunningEmulator,
  type SeedConnector,
  startEmulator,
} from '../../src/emulator/index.js';

/** An answer, with its body both as text and (when it is JSON) parsed. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Options of one call. */
export interface CallOptions {
  body?: unknown;
  /** The bearer key; null sends no Authorization header. Default "test-key". */
  key?: string | null;
  headers?: Record<string, string>;
}

/** Calls the emulator like any HTTP client would. */
export async function call(
  emulator: Pick<RunningEmulator, 'url'>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? 'test-key' : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await request(`${emulator.url}${path}`, {
    method: method as 'GET',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** A valid seed entry named `name`. */
export function seedConnector(name: string, extra: Partial<SeedConnector> = {}): SeedConnector {
  return {
    name,
    description: `The ${name} connector`,
    server: `https://${name.replaceAll('_', '-')}.example.com/mcp`,
    ...extra,
  };
}

/** `count` seed entries named prefix-00001, prefix-00002, ... */
export function seedMany(count: number, prefix = 'conn'): SeedConnector[] {
  return Array.from({ length: count }, (_, index) =>
    seedConnector(`${prefix}-${String(index + 1).padStart(5, '0')}`),
  );
}

/** Every item of the listing, following next_cursor; fails on a repeated cursor or a runaway. */
export async function listAll(
  emulator: Pick<RunningEmulator, 'url'>,
  pageSize: number,
  between?: (page: number) => void | Promise<void>,
): Promise<{ names: string[]; pages: number }> {
  const names: string[] = [];
  const cursors = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const answer = await call(emulator, 'GET', `/v1/connectors?page_size=${pageSize}${query}`);
    if (answer.status !== 200) throw new Error(`page ${pages + 1}: ${answer.status} ${answer.text}`);
    const page = answer.json as {
      items: Array<{ name: string }>;
      pagination: { next_cursor: string | null };
    };
    names.push(...page.items.map((item) => item.name));
    pages += 1;
    cursor = page.pagination.next_cursor;
    if (cursor !== null) {
      if (cursors.has(cursor)) throw new Error(`cursor repeated on page ${pages}`);
      cursors.add(cursor);
    }
    if (pages > 100_000) throw new Error('runaway paging');
    if (cursor !== null && between) await between(pages);
  } while (cursor !== null);
  return { names, pages };
}

/** A connector as the API answers it. */
export type Connector = Record<string, unknown> & { id: string; name: string };

/** A `start(options)` for one test file: every emulator it starts is closed after each test. */
export function emulatorsClosedAfterEach(defaults: EmulatorOptions = {}) {
  const running: RunningEmulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  });
  return async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
    const emulator = await startEmulator({ ...defaults, ...options });
    running.push(emulator);
    return emulator;
  };
}

/** POST /v1/connectors, expecting 201. */
export async function create(emulator: RunningEmulator, body: object): Promise<Connector> {
  const answer = await call(emulator, 'POST', '/v1/connectors', { body });
  expect(answer.status, answer.text).toBe(201);
  return answer.json as Connector;
}

/** PATCH /v1/connectors/{id}. */
export async function patch(emulator: RunningEmulator, id: string, body: unknown): Promise<Answer> {
  return call(emulator, 'PATCH', `/v1/connectors/${id}`, { body });
}
