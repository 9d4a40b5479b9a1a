import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import { loadBundled } from '../vendor.js';

/*
 * The two parts of undici the client uses, loaded without undici's index. The index loads every
 * dispatcher, the mocks, the cache stores, SQLite and HTTP/2 support, which costs start-up time and
 * a good part of the memory a large sync may use (bench/README.md has the numbers).
 * undici 8 has no "exports" map, so the paths resolve;
 * should a later 8.x move them or add one (an install that is not `npm ci` can get any 8.x),
 * each falls back to the index: slower to start, never broken. The build bundles the two into one
 * file (scripts/build-vendor.ts), which is loaded when present.
 */
const require = createRequire(import.meta.url);

/** `require(deepPath)`, or what `pick` takes from undici's index when that path cannot be loaded. */
export function loadFromUndici<T>(deepPath: string, pick: (undici: typeof Undici) => T): T {
  try {
    return require(deepPath) as T;
  } catch {
    return pick(require('undici') as typeof Undici);
  }
}

type RequestOn = (
  this: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
) => Promise<Undici.Dispatcher.ResponseData>;

const parts = loadBundled<{
  Agent: typeof Undici.Agent;
  request: RequestOn;
  buildConnector: typeof Undici.buildConnector;
}>(new URL('./undici.generated.cjs', import.meta.url), () => ({
  Agent: loadFromUndici('undici/lib/dispatcher/agent.js', (u) => u.Agent),
  request: loadFromUndici('undici/lib/api/api-request.js', (u) => u.Dispatcher.prototype.request as never),
  buildConnector: loadFromUndici('undici/lib/core/connect.js', (u) => u.buildConnector),
}));

/** undici's keep-alive connection pool per origin (the same class as `undici.Agent`). */
export const Agent: typeof Undici.Agent = parts.Agent;
const requestOn: RequestOn = parts.request;
/** undici's connector: the TCP/TLS connect an Agent makes for each new connection. */
export const buildConnector: typeof Undici.buildConnector = parts.buildConnector;

/** `dispatcher.request(options)`, for any dispatcher (a MockAgent too), without undici's index. */
export function request(
  dispatcher: Undici.Dispatcher,
  options: Undici.Dispatcher.RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  return requestOn.call(dispatcher, options);
}
