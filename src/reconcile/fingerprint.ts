import { createHmac } from 'node:crypto';
import type { DesiredConnector } from '../config/types.js';
import type { WriteOnlyField } from './types.js';

/** The write-only fields a desired connector declares. */
export function writeOnlyFields(connector: DesiredConnector): WriteOnlyField[] {
  const fields: WriteOnlyField[] = [];
  if (connector.headers !== null) fields.push('headers');
  if (connector.auth_data !== null) fields.push('auth_data');
  return fields;
}

/**
 * A keyed fingerprint (HMAC-SHA256) of a connector's write-only values. The key lives in the state
 * folder, outside the repository, so the fingerprint reveals nothing about the secret to someone
 * who reads the state file without the key, and cannot be brute-forced offline from the repo.
 * Returns null when the values were not resolved (validate-only loads).
 */
export function fingerprintSecrets(connector: DesiredConnector, key: Buffer): string | null {
  if (!connector.secretsResolved) return null;
  const headers = connector.headers
    ? Object.entries(connector.headers)
        .map(([name, value]) => [name.toLowerCase(), value.reveal()] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    : null;
  const auth = connector.auth_data
    ? [connector.auth_data.client_id.reveal(), connector.auth_data.client_secret?.reveal() ?? null]
    : null;
  return createHmac('sha256', key).update(JSON.stringify({ headers, auth })).digest('base64url');
}
