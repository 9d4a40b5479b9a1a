import type { RemoteConnector } from '../../src/api/types.js';
import type { DesiredConnector } from '../../src/config/types.js';
import type { Operation, OperationKind, PlanOptions } from '../../src/reconcile/types.js';
import { Secret } from '../../src/secret.js';

/**
 * A desired connector with sensible defaults; override what the test is about. `headers` given
 * alone are merged into `global_headers` (all secret), as the loader does.
 */
export function desired(name: string, overrides: Partial<DesiredConnector> = {}): DesiredConnector {
  // `headers:` merge into global_headers as the loader merges them, over any global_headers given
  // (a spread connector's own, which would otherwise keep the old values)
  const merged = overrides.headers
    ? {
        global_headers: {
          ...(overrides.global_headers ?? {}),
          ...Object.fromEntries(
            Object.entries(overrides.headers).map(([k, value]) => [k, { value, is_secret: true }]),
          ),
        },
      }
    : {};
  return {
    name,
    description: `${name} connector`,
    server: `https://mcp.example.com/${name}`,
    visibility: 'shared_workspace',
    title: null,
    icon_url: null,
    system_prompt: null,
    headers: null,
    auth_data: null,
    global_headers: null,
    oauth2_server_metadata: null,
    oauth2_server_metadata_url: null,
    active_for: null,
    credentials: null,
    renamed_from: null,
    expect_tools: [],
    secret_version: null,
    source: { file: `connectors/${name}.yaml`, line: 1, column: 1 },
    fieldSources: {},
    secretsResolved: true,
    ...overrides,
    ...merged,
  };
}

let counter = 0;

/** A remote connector as the API would return it for the desired one. */
export function remoteFor(
  connector: DesiredConnector,
  overrides: Partial<RemoteConnector> = {},
): RemoteConnector {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    name: connector.name,
    title: connector.title,
    description: connector.description,
    server: connector.server,
    icon_url: connector.icon_url,
    system_prompt: connector.system_prompt,
    visibility: connector.visibility,
    owner_type: 'workspace',
    private_tool_execution: false,
    created_at: '2026-01-01T00:00:00Z',
    modified_at: '2026-01-01T00:00:00Z',
    mistral: false,
    ...overrides,
  };
}

/** A header map of secrets. */
export function headers(values: Record<string, string>): Record<string, Secret> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, new Secret(v)]));
}

/** Planning options with the defaults of `connector-sync sync`. */
export function planOptions(overrides: Partial<PlanOptions> = {}): PlanOptions {
  return {
    prune: false,
    allowEmpty: false,
    allowReplace: false,
    maxDeletes: 50,
    maxDeleteFraction: 0.3,
    deleteGuardMinimum: 10,
    forceDeletes: false,
    scope: ['*'],
    protect: [],
    pushSecrets: [],
    listingComplete: true,
    ...overrides,
  };
}

/** A planned operation with nothing but its kind and name; override what the test is about. */
export function operation(kind: OperationKind, name: string, overrides: Partial<Operation> = {}): Operation {
  return {
    kind,
    name,
    remote: null,
    changes: [],
    secrets: null,
    visibility: null,
    renamed_from: null,
    temporary: false,
    destructive: kind === 'delete' || kind === 'replace',
    source: null,
    ...overrides,
  };
}
