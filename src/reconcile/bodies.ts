import type {
  AuthMethodBody,
  CreateConnectorBody,
  CredentialsBody,
  GlobalHeaderValue,
  RemoteConnector,
  UpdateConnectorBody,
} from '../api/types.js';
import type { DesiredConnector, DesiredCredential } from '../config/types.js';
import { isDefault } from './consumers.js';
import { authMethodOf, updatableGroups } from './fingerprint.js';
import { desiredValue } from './normalize.js';
import { fieldChanges } from './plan.js';
import {
  type CredentialStep,
  type FieldChange,
  MANAGED_FIELDS,
  type ManagedField,
  type Operation,
  type SecretGroup,
} from './types.js';

/**
 * Request bodies. This is the one place where secret values are revealed, on their way to the API
 * client; nothing here is logged or returned to a renderer.
 *
 * Which shape carries what (the published spec, ../shared/api/connectors-openapi.yaml): a create
 * takes every value directly (CreateConnectorRequest: `global_headers`, `auth_data`,
 * `oauth2_server_metadata` or `_url`). An update (UpdateConnectorRequest) has no `headers` and no
 * `auth_data`: they travel in one `auth_methods` entry, the connector's method, which always
 * carries every declared value of that method, so the result is the declared state whether the
 * API replaces the method's values or merges them. `headers:` go in `global_headers` on create
 * too: that is the store an update can reach (the create-only `headers` store could never be
 * rotated).
 */

/** The POST body that creates a desired connector. */
export function createBody(connector: DesiredConnector): CreateConnectorBody {
  const body: CreateConnectorBody = {
    name: connector.name,
    description: desiredValue(connector, 'description') ?? '',
    server: desiredValue(connector, 'server') ?? connector.server,
    visibility: connector.visibility,
  };
  for (const field of ['title', 'icon_url', 'system_prompt'] as const) {
    const value = desiredValue(connector, field);
    if (value !== null) body[field] = value;
  }
  if (connector.global_headers !== null) body.global_headers = headerValues(connector);
  if (connector.auth_data !== null) body.auth_data = clientCredentials(connector);
  if (connector.oauth2_server_metadata !== null)
    body.oauth2_server_metadata = connector.oauth2_server_metadata;
  if (connector.oauth2_server_metadata_url !== null)
    body.oauth2_server_metadata_url = connector.oauth2_server_metadata_url;
  return body;
}

/** The PATCH body of an operation: its field changes, the new name, and the auth method when sent. */
export function updateBody(op: Operation, connector: DesiredConnector | undefined): UpdateConnectorBody {
  const body = changesBody(op.changes);
  const method = op.secrets !== null && connector ? authMethodEntry(connector) : null;
  if (method) body.auth_methods = [method];
  return body;
}

/** The PATCH body that converges an existing remote connector on a desired one (adoption, re-reads). */
export function convergeBody(connector: DesiredConnector, remote: RemoteConnector): UpdateConnectorBody {
  const changes = fieldChanges(connector, remote);
  if (remote.name !== connector.name)
    changes.push({ field: 'name', before: remote.name, after: connector.name });
  const body = changesBody(changes);
  const method = authMethodEntry(connector);
  if (method) body.auth_methods = [method];
  return body;
}

/** True when a PATCH body would change nothing. */
export function isEmptyBody(body: UpdateConnectorBody): boolean {
  return Object.keys(body).length === 0;
}

/** The value groups a request body carries, for the ledger (recorded once the API answered 2xx). */
export function carriedBy(body: CreateConnectorBody | UpdateConnectorBody): SecretGroup[] {
  const groups = new Set<SecretGroup>();
  const has = (value: object | undefined, key: string) => value !== undefined && Object.hasOwn(value, key);
  for (const part of [body, ...('auth_methods' in body ? (body.auth_methods ?? []) : [])]) {
    if (has(part, 'global_headers')) groups.add('headers');
    if (has(part, 'auth_data') || has(part, 'oauth2_metadata_secrets')) groups.add('auth_data');
    if (has(part, 'oauth2_server_metadata')) groups.add('oauth2_server_metadata');
    if (has(part, 'oauth2_server_metadata_url')) groups.add('oauth2_server_metadata_url');
  }
  return [...groups];
}

/**
 * The connector's auth method with every declared value it holds (never a part of them: an API
 * that replaces a method's values would drop the rest). Null when nothing is declared for it.
 */
function authMethodEntry(connector: DesiredConnector): AuthMethodBody | null {
  if (updatableGroups(connector).length === 0) return null;
  const method: AuthMethodBody = { method_type: authMethodOf(connector) };
  if (connector.global_headers !== null) method.global_headers = headerValues(connector);
  if (connector.auth_data !== null) method.oauth2_metadata_secrets = clientCredentials(connector);
  if (connector.oauth2_server_metadata !== null)
    method.oauth2_server_metadata = connector.oauth2_server_metadata;
  return method;
}

const MANAGED: ReadonlySet<string> = new Set(MANAGED_FIELDS);

/**
 * A cleared field is sent as "" rather than null: an API that reads null as "leave unchanged"
 * would otherwise keep the old value and the next plan would show the same change forever. The
 * server is never sent empty (the spec's minLength 1). Auth method changes travel in `auth_methods`.
 */
function changesBody(changes: readonly FieldChange[]): UpdateConnectorBody {
  const body: UpdateConnectorBody = {};
  for (const change of changes) {
    if (change.field === 'name') body.name = change.after ?? undefined;
    else if (change.field === 'server' && !change.after) continue;
    else if (MANAGED.has(change.field)) body[change.field as ManagedField] = change.after ?? '';
  }
  return body;
}

/** The connector-wide headers with their values revealed, for the request body only. */
function headerValues(connector: DesiredConnector): Record<string, GlobalHeaderValue> {
  return Object.fromEntries(
    Object.entries(connector.global_headers ?? {}).map(([name, header]) => [
      name,
      { value: header.value.reveal(), is_secret: header.is_secret },
    ]),
  );
}

function clientCredentials(connector: DesiredConnector): { client_id: string; client_secret: string | null } {
  return {
    client_id: connector.auth_data?.client_id.reveal() ?? '',
    client_secret: connector.auth_data?.client_secret?.reveal() ?? null,
  };
}

/**
 * The POST body of a credential step: its title when declared, `is_default: true` only to make it
 * the default (false is refused for a default, and omitted leaves the default alone), and its
 * values when created or changed.
 */
export function credentialBody(step: CredentialStep, connector: DesiredConnector): CredentialsBody {
  const declared = connector.credentials ?? [];
  const credential = declared.find((c) => c.scope === step.scope && c.name === step.name);
  const body: CredentialsBody = { name: step.name };
  if (!credential) return body;
  if (credential.title !== null) body.title = credential.title;
  const creating = step.changes.includes('created');
  if ((creating || step.changes.includes('default')) && isDefault(credential, declared))
    body.is_default = true;
  if (creating || step.changes.includes('values')) body.credentials = credentialValues(credential);
  return body;
}

function credentialValues(credential: DesiredCredential): NonNullable<CredentialsBody['credentials']> {
  if (credential.bearer_token !== null) return { bearer_token: credential.bearer_token.reveal() };
  return {
    headers: Object.fromEntries(
      Object.entries(credential.headers ?? {}).map(([name, value]) => [name, value.reveal()]),
    ),
  };
}
