import { createHmac } from 'node:crypto';
import type { AuthMethodType } from '../api/types.js';
import type { DesiredConnector, DesiredCredential } from '../config/types.js';
import type { CredentialGroup, SecretGroup, WriteOnlyField } from './types.js';

/**
 * The auth method that carries a connector's header values and OAuth settings on an update: the
 * OAuth one when the connector uses OAuth, else `none` (README, "Which request carries what").
 */
export function authMethodOf(connector: DesiredConnector): AuthMethodType {
  const oauth =
    connector.auth_data !== null ||
    connector.oauth2_server_metadata !== null ||
    connector.oauth2_server_metadata_url !== null;
  return oauth ? 'oauth2' : 'none';
}

/** The value groups of the connector's own auth method and create body. */
export function authGroups(connector: DesiredConnector): SecretGroup[] {
  const groups: SecretGroup[] = [];
  if (connector.global_headers !== null) groups.push('headers');
  if (connector.auth_data !== null) groups.push('auth_data');
  if (connector.oauth2_server_metadata !== null) groups.push('oauth2_server_metadata');
  if (connector.oauth2_server_metadata_url !== null) groups.push('oauth2_server_metadata_url');
  return groups;
}

/** Every value group a desired connector declares: its auth method's, `active_for`, each credential's. */
export function secretGroups(connector: DesiredConnector): SecretGroup[] {
  const groups = authGroups(connector);
  if (connector.active_for !== null) groups.push('active_for');
  for (const credential of connector.credentials ?? []) groups.push(credentialGroup(credential));
  return groups;
}

/** The group of one credential's values. */
export function credentialGroup(credential: Pick<DesiredCredential, 'scope' | 'name'>): CredentialGroup {
  return `credential:${credential.scope}/${credential.name}`;
}

/** The groups an update can carry (in its `auth_methods` entry): the auth method's, but the create-only URL. */
export function updatableGroups(connector: DesiredConnector): SecretGroup[] {
  return authGroups(connector).filter((group) => group !== 'oauth2_server_metadata_url');
}

/** The fields of a group, in the file's words (headers may come from `headers:`, `global_headers:` or both). */
export function fieldsOfGroup(connector: DesiredConnector, group: SecretGroup): WriteOnlyField[] {
  if (group.startsWith('credential:')) return ['credentials'];
  if (group !== 'headers') return [group as WriteOnlyField];
  const fields: WriteOnlyField[] = [];
  const fromHeaders = connector.headers === null ? 0 : Object.keys(connector.headers).length;
  if (connector.headers !== null) fields.push('headers');
  if (connector.global_headers !== null && (connector.headers === null || fromHeaders < count(connector)))
    fields.push('global_headers');
  return fields;
}

/** The write-only fields of the connector's auth method and create body, in the file's words. */
export function writeOnlyFields(connector: DesiredConnector): WriteOnlyField[] {
  return authGroups(connector).flatMap((group) => fieldsOfGroup(connector, group));
}

function count(connector: DesiredConnector): number {
  return Object.keys(connector.global_headers ?? {}).length;
}

/**
 * Keyed fingerprints (HMAC-SHA256) of a connector's values, one per group. The key lives in the
 * state folder, outside the repository, so a fingerprint reveals nothing about the secret to
 * someone who reads the state file without the key, and cannot be brute-forced offline from the
 * repo. Returns null when the values were not resolved (validate-only loads).
 */
export function fingerprintGroups(
  connector: DesiredConnector,
  key: Buffer,
): Partial<Record<SecretGroup, string>> | null {
  if (!connector.secretsResolved) return null;
  const fingerprints: Partial<Record<SecretGroup, string>> = {};
  for (const group of secretGroups(connector)) {
    const data = JSON.stringify([group, groupValues(connector, group)]);
    fingerprints[group] = createHmac('sha256', key).update(data).digest('base64url');
  }
  return fingerprints;
}

function groupValues(connector: DesiredConnector, group: SecretGroup): unknown {
  if (group.startsWith('credential:')) {
    const credential = connector.credentials?.find((c) => credentialGroup(c) === group);
    const headers = Object.entries(credential?.headers ?? {})
      .map(([name, value]) => [name.toLowerCase(), value.reveal()] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [credential?.bearer_token?.reveal() ?? null, headers];
  }
  switch (group) {
    case 'active_for':
      return [...(connector.active_for ?? [])].sort();
    case 'headers':
      return Object.entries(connector.global_headers ?? {})
        .map(([name, header]) => [name.toLowerCase(), header.is_secret, header.value.reveal()] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    case 'auth_data':
      return [connector.auth_data?.client_id.reveal(), connector.auth_data?.client_secret?.reveal() ?? null];
    case 'oauth2_server_metadata':
      return canonical(connector.oauth2_server_metadata);
    case 'oauth2_server_metadata_url':
      return connector.oauth2_server_metadata_url;
  }
}

/** A value with its object keys sorted, so equal data has one JSON text whatever the key order. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
