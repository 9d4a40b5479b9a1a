import type { CreateConnectorBody, RemoteConnector, UpdateConnectorBody } from '../api/types.js';
import type { DesiredConnector } from '../config/types.js';
import { desiredValue } from './normalize.js';
import { fieldChanges } from './plan.js';
import type { FieldChange, Operation } from './types.js';

/**
 * Request bodies. This is the one place where secret values are revealed, on their way to the API
 * client; nothing here is logged or returned to a renderer.
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
  Object.assign(body, secretFields(connector));
  return body;
}

/** The PATCH body of an operation: its field changes, the new name, and secrets when pushed. */
export function updateBody(op: Operation, connector: DesiredConnector | undefined): UpdateConnectorBody {
  const body = changesBody(op.changes);
  if (op.secrets !== null && connector) Object.assign(body, secretFields(connector));
  return body;
}

/** The PATCH body that converges an existing remote connector on a desired one (adoption, re-reads). */
export function convergeBody(connector: DesiredConnector, remote: RemoteConnector): UpdateConnectorBody {
  const changes = fieldChanges(connector, remote);
  if (remote.name !== connector.name)
    changes.push({ field: 'name', before: remote.name, after: connector.name });
  return { ...changesBody(changes), ...secretFields(connector) };
}

/** True when a PATCH body would change nothing. */
export function isEmptyBody(body: UpdateConnectorBody): boolean {
  return Object.keys(body).length === 0;
}

/**
 * A cleared field is sent as "" rather than null: an API that reads null as "leave unchanged"
 * would otherwise keep the old value and the next plan would show the same change forever.
 */
function changesBody(changes: readonly FieldChange[]): UpdateConnectorBody {
  const body: UpdateConnectorBody = {};
  for (const change of changes) {
    if (change.field === 'name') body.name = change.after ?? undefined;
    else body[change.field] = change.after ?? '';
  }
  return body;
}

/** headers and auth_data with their values revealed, for the request body only. */
function secretFields(connector: DesiredConnector): Pick<CreateConnectorBody, 'headers' | 'auth_data'> {
  const fields: Pick<CreateConnectorBody, 'headers' | 'auth_data'> = {};
  if (connector.headers) {
    fields.headers = Object.fromEntries(
      Object.entries(connector.headers).map(([name, value]) => [name, value.reveal()]),
    );
  }
  if (connector.auth_data) {
    fields.auth_data = {
      client_id: connector.auth_data.client_id.reveal(),
      client_secret: connector.auth_data.client_secret?.reveal() ?? null,
    };
  }
  return fields;
}
