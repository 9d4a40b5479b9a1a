import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/*
 * The two parts of undici the client uses, loaded without undici's index. The index loads every
 * dispatcher, the mocks, the cache stores, SQLite and HTTP/2 support: 90 ms and 28 MB of RSS at
 * start-up (measured on Node 24), a fifth of the 150 MB a sync of 10,000 connectors may use.
 * These two modules cost 37 ms and 14 MB. undici has no "exports" map, so the paths are part of
 * its published package; the lock file pins the version, and test/api covers both.
 */
const require = createRequire(import.meta.url);

/** undici's keep-alive connection pool per origin (the same class as `undici.Agent`). */
export const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent.js');

const requestOn: (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData> = require('undici/lib/api/api-request.js');

/** `dispatcher.request(options)`, for any dispatcher (a MockAgent too), without undici's index. */
export function request(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  return requestOn.call(dispatcher, options);
}
