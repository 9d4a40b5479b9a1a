import { isIP } from 'node:net';

/**
 * Which `Host` headers the status server answers (DNS rebinding). A page on an attacker's domain
 * that re-points its name at the daemon's address makes the browser send that domain as `Host`;
 * a name the daemon does not know is refused with no data. An IP literal or `localhost` in `Host`
 * cannot come from such a page (the browser would treat it as another origin), so:
 *
 * - a loopback listener (127.0.0.0/8, ::1, localhost) answers only `localhost`, loopback
 *   addresses and the names in the allow-list: nothing else can reach it legitimately;
 * - any other listener (0.0.0.0 or :: in a container, reached through a Service name, probes by
 *   pod IP) answers every Host by default; with an allow-list (`--allow-host`), only IP literals,
 *   `localhost` and the listed names.
 */
export interface HostPolicy {
  loopbackOnly: boolean;
  /** The address listened on, when it is one address (not 0.0.0.0 or ::). */
  listen: string | null;
  /** The `--allow-host` names, lower case, without port; empty when none was given. */
  allowed: ReadonlySet<string>;
}

/** The policy for a server listening on `listenHost`. */
export function hostPolicy(listenHost: string, allowHosts: readonly string[] = []): HostPolicy {
  const listen = normalizeName(listenHost);
  return {
    loopbackOnly: isLoopback(listen),
    listen: listen === '' || isWildcard(listen) ? null : listen,
    allowed: new Set(allowHosts.map(normalizeName).filter((name) => name !== '')),
  };
}

/** True when a request with this `Host` header may be answered. */
export function hostAllowed(header: string | undefined, policy: HostPolicy): boolean {
  const name = hostName(header);
  if (name === null) return false;
  if (name === policy.listen || policy.allowed.has(name)) return true;
  if (policy.loopbackOnly) return isLoopback(name);
  if (isIP(name) !== 0 || name === 'localhost') return true;
  return policy.allowed.size === 0;
}

/** The host name of a `Host` header (`name`, `name:port`, `[v6]:port`), lower case; null when malformed. */
function hostName(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  if (match === null) return null;
  return normalizeName(match[1]!);
}

function normalizeName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

function isWildcard(name: string): boolean {
  return name === '0.0.0.0' || name === '::' || name === '::0';
}

/** True for `localhost` and loopback addresses (brackets around IPv6 allowed). */
export function isLoopback(host: string): boolean {
  const name = normalizeName(host);
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name);
  return false;
}
