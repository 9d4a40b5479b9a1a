import type { RemoteConnector } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { authMethodOf, canonical } from './fingerprint.js';
import type { FieldChange, SecretGroup } from './types.js';

/**
 * What the API shows of a connector's auth method (PublicAuthenticationMethod), compared with the
 * file: header names, whether each is secret, non-secret values, and the declared keys of the OAuth
 * server metadata. Secret values are never shown (the API redacts them), so they stay with the
 * fingerprints. Remote data is untrusted: anything of the wrong shape counts as not shown.
 */
export interface AuthComparison {
  /** Readable differences, one per header or metadata key. Secret values show as `(secret)`. */
  changes: FieldChange[];
  /** Groups the API's answer proves equal as a whole, so no fingerprint is needed for them. */
  readable: Set<SecretGroup>;
}

/** The placeholder a plan shows for a secret header value. */
export const SECRET_VALUE = '(secret)';

type Shown = Record<string, unknown>;

function isMap(value: unknown): value is Shown {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The remote entry of the method the connector's values travel in, when the API shows one. */
function remoteMethod(connector: DesiredConnector, remote: RemoteConnector): Shown | undefined {
  const type = authMethodOf(connector);
  const methods = Array.isArray(remote.supported_auth_methods) ? remote.supported_auth_methods : [];
  return methods.find((method): method is Shown => isMap(method) && method.method_type === type);
}

export function compareAuth(connector: DesiredConnector, remote: RemoteConnector): AuthComparison {
  const result: AuthComparison = { changes: [], readable: new Set() };
  if (connector.global_headers === null && connector.oauth2_server_metadata === null) return result;
  const method = remoteMethod(connector, remote);
  if (connector.global_headers !== null && isMap(method?.global_headers))
    compareHeaders(connector.global_headers, method.global_headers, result);
  if (connector.oauth2_server_metadata !== null && isMap(method?.oauth2_server_metadata))
    compareMetadata(connector.oauth2_server_metadata, method.oauth2_server_metadata, result);
  return result;
}

function compareHeaders(
  declared: NonNullable<DesiredConnector['global_headers']>,
  shown: Shown,
  result: AuthComparison,
): void {
  // header names ignore case: the API may keep another spelling than the file's
  const byName = new Map(Object.entries(shown).map(([name, value]) => [name.toLowerCase(), value]));
  for (const [name, header] of Object.entries(declared)) {
    const entry = byName.get(name.toLowerCase());
    const after = header.is_secret ? SECRET_VALUE : header.value.reveal();
    if (!isMap(entry)) {
      result.changes.push({ field: `global_headers.${name}`, before: null, after });
      continue;
    }
    const isSecret = entry.is_secret !== false;
    const value = typeof entry.value === 'string' ? entry.value : null;
    const before = isSecret ? SECRET_VALUE : value;
    if (isSecret !== header.is_secret || (!isSecret && value !== after))
      result.changes.push({ field: `global_headers.${name}`, before, after });
  }
  // extra remote names are left alone: an API that merges a method's headers could never drop them
  if (Object.values(declared).every((header) => !header.is_secret)) result.readable.add('headers');
}

function compareMetadata(declared: Record<string, unknown>, shown: Shown, result: AuthComparison): void {
  for (const [key, value] of Object.entries(declared)) {
    const before = Object.hasOwn(shown, key) ? shown[key] : undefined;
    if (sameValue(before, value)) continue;
    result.changes.push({
      field: `oauth2_server_metadata.${key}`,
      before: before === undefined || before === null ? null : display(before),
      after: display(value),
    });
  }
  result.readable.add('oauth2_server_metadata');
}

/** Equal as data; URLs compared in their normal form (the API's URL type adds a trailing `/` to a bare host). */
function sameValue(remote: unknown, declared: unknown): boolean {
  if (typeof remote === 'string' && typeof declared === 'string')
    return normalUrl(remote) === normalUrl(declared);
  return JSON.stringify(canonical(remote)) === JSON.stringify(canonical(declared));
}

function normalUrl(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  try {
    return new URL(value).href;
  } catch {
    return value;
  }
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(canonical(value));
}
