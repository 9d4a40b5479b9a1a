/**
 * A connector's authentication methods: the one a create sets up, and how a PATCH's
 * `auth_methods` entries change them. The spec says only "list of authentication methods to add
 * to the connector or to update": whether an entry replaces the method or merges into it is not
 * settled, so the emulator does both (`authMethodsUpdate`), `replace` by default because it is
 * the reading that punishes a client sending partial values.
 */
import type { AuthMethodInput, CreateInput } from './bodies.js';
import type {
  ConsumerScope,
  StoredAuthMethod,
  StoredCredential,
  StoredOAuthSecrets,
  StoredVisibility,
} from './types.js';

/** How a PATCH's `auth_methods` entry treats the fields it leaves out. */
export type AuthMethodsUpdate = 'replace' | 'merge';

/** Create's `auth_data` as the oauth2 method keeps it. */
export function secretsFromAuthData(auth: {
  client_id: string;
  client_secret: string | null;
}): StoredOAuthSecrets {
  return {
    client_id: auth.client_id,
    client_secret: auth.client_secret,
    client_id_issued_at: null,
    client_secret_expires_at: null,
  };
}

/**
 * The method a create sets up: `oauth2` when it gives OAuth client credentials or server metadata,
 * else `none`; the global headers go on it ("applied to every credential").
 */
export function methodsFromCreate(
  input: Pick<
    CreateInput,
    'global_headers' | 'auth_data' | 'oauth2_server_metadata' | 'oauth2_server_metadata_url'
  >,
): StoredAuthMethod[] {
  const oauth =
    input.auth_data !== null ||
    input.oauth2_server_metadata !== null ||
    input.oauth2_server_metadata_url !== null;
  return [
    {
      method_type: oauth ? 'oauth2' : 'none',
      auth_direction: 'outbound',
      headers: null,
      global_headers: { ...input.global_headers },
      oauth2_metadata_secrets: input.auth_data === null ? null : secretsFromAuthData(input.auth_data),
      oauth2_server_metadata: input.oauth2_server_metadata,
    },
  ];
}

/** A method with every optional field at its default (what `replace` starts from). */
function blank(entry: AuthMethodInput): StoredAuthMethod {
  return {
    method_type: entry.method_type,
    auth_direction: entry.auth_direction,
    headers: null,
    global_headers: {},
    oauth2_metadata_secrets: null,
    oauth2_server_metadata: null,
  };
}

/**
 * The methods after a PATCH's entries: an entry updates the method of its type and direction, or
 * adds one; methods not named stay as they are. Returns whether OAuth client credentials changed.
 */
export function applyAuthMethods(
  methods: StoredAuthMethod[],
  entries: AuthMethodInput[],
  mode: AuthMethodsUpdate,
): { methods: StoredAuthMethod[]; oauthClientChanged: boolean } {
  const next = structuredClone(methods);
  let oauthClientChanged = false;
  for (const entry of entries) {
    const index = next.findIndex(
      (method) => method.method_type === entry.method_type && method.auth_direction === entry.auth_direction,
    );
    const current = index >= 0 ? next[index]! : undefined;
    const base = mode === 'merge' && current ? current : blank(entry);
    const updated: StoredAuthMethod = {
      ...base,
      ...Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)),
    };
    if (
      JSON.stringify(updated.oauth2_metadata_secrets) !==
      JSON.stringify(current?.oauth2_metadata_secrets ?? null)
    )
      oauthClientChanged = true;
    if (index >= 0) next[index] = updated;
    else next.push(updated);
  }
  return { methods: next, oauthClientChanged };
}

/** The scope whose consumers a new connector is active for: its owner's. */
export function activationFor(
  visibility: StoredVisibility,
  active: boolean | null,
): Record<ConsumerScope, boolean> {
  const on = active === true;
  return {
    user: on && visibility === 'private',
    workspace: on && visibility === 'shared_workspace',
    organization: on && (visibility === 'shared_org' || visibility === 'shared_global'),
  };
}

/** No credentials in any scope. */
export function noCredentials(): Record<ConsumerScope, StoredCredential[]> {
  return { user: [], workspace: [], organization: [] };
}
