import { randomUUID } from 'node:crypto';
import type {
  ConnectorListing,
  ConnectorsApi,
  ConsumerScope,
  CreateConnectorBody,
  CredentialsBody,
  RemoteConnector,
  RemoteCredential,
  RemoteTool,
  UpdateConnectorBody,
} from '../../src/api/types.js';
import { ConnectorSyncError } from '../../src/errors.js';

/** A failure the fake raises once for a call matching `method` and `name`. */
export interface InjectedFailure {
  method: 'create' | 'update' | 'delete' | 'get' | 'share' | 'unshare';
  name?: string;
  error: ConnectorSyncError;
  /** Let the call take effect and still fail (a lost answer). */
  afterEffect?: boolean;
}

/**
 * What a real API plausibly does to stored text: trailing whitespace dropped, "" stored as null,
 * URLs in canonical form. Planning must see through it (no perpetual diffs).
 */
function stored(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trimEnd();
  return trimmed === '' ? null : trimmed;
}

function storedUrl(value: string | null | undefined): string | null {
  const text = stored(value);
  return text !== null && URL.canParse(text) ? new URL(text).href : text;
}

function storedFields<T extends Partial<RemoteConnector>>(fields: T): T {
  const out: Partial<RemoteConnector> = { ...fields };
  for (const key of ['title', 'system_prompt'] as const) if (key in fields) out[key] = stored(fields[key]);
  for (const key of ['server', 'icon_url'] as const) if (key in fields) out[key] = storedUrl(fields[key]);
  if ('description' in fields) out.description = stored(fields.description) ?? '';
  return out as T;
}

/** An in-memory ConnectorsApi for unit tests of the applier and the orchestration. */
export class FakeApi implements ConnectorsApi {
  readonly connectors = new Map<string, RemoteConnector>();
  readonly secrets = new Map<string, { headers?: unknown; auth_data?: unknown }>();
  readonly calls: string[] = [];
  /** Per connector id: the scopes activated (true) or deactivated (false) last. */
  readonly activation = new Map<string, Partial<Record<ConsumerScope, boolean>>>();
  /** Per connector id and scope: credentials as listed, with the values last put. */
  readonly credentials = new Map<
    string,
    Map<ConsumerScope, Array<RemoteCredential & { values?: unknown }>>
  >();
  failures: InjectedFailure[] = [];
  private tick = 0;

  seed(connectors: RemoteConnector[]): this {
    for (const c of connectors) this.connectors.set(c.id, { ...c });
    return this;
  }

  byName(name: string): RemoteConnector | undefined {
    return [...this.connectors.values()].find((c) => c.name === name);
  }

  async listConnectors(): Promise<ConnectorListing> {
    this.calls.push('list');
    return { items: [...this.connectors.values()].map((c) => ({ ...c })), complete: true, pages: 1 };
  }

  async getConnector(idOrName: string): Promise<RemoteConnector> {
    this.calls.push(`get ${idOrName}`);
    this.maybeFail('get', idOrName, 'before');
    const found = this.connectors.get(idOrName) ?? this.byName(idOrName);
    if (!found) throw new ConnectorSyncError('API_NOT_FOUND', `connector ${idOrName} not found`);
    return { ...found };
  }

  async createConnector(body: CreateConnectorBody): Promise<RemoteConnector> {
    this.calls.push(`create ${body.name}`);
    this.maybeFail('create', body.name, 'before');
    if (this.byName(body.name))
      throw new ConnectorSyncError('API_CONFLICT', `name ${body.name} already exists`);
    const now = this.now();
    const connector: RemoteConnector = {
      id: randomUUID(),
      name: body.name,
      ...storedFields({
        description: body.description,
        server: body.server,
        title: body.title ?? null,
        icon_url: body.icon_url ?? null,
        system_prompt: body.system_prompt ?? null,
      }),
      visibility: body.visibility ?? 'private',
      owner_type: 'workspace',
      private_tool_execution: false,
      created_at: now,
      modified_at: now,
      is_authenticated: body.auth_data ? false : null,
    };
    this.connectors.set(connector.id, connector);
    this.secrets.set(connector.id, { headers: headerValues(body.global_headers), auth_data: body.auth_data });
    this.maybeFail('create', body.name, 'after');
    return { ...connector };
  }

  async updateConnector(id: string, body: UpdateConnectorBody): Promise<RemoteConnector> {
    const current = this.connectors.get(id);
    this.calls.push(`update ${current?.name ?? id}`);
    this.maybeFail('update', current?.name, 'before');
    if (!current) throw new ConnectorSyncError('API_NOT_FOUND', `connector ${id} not found`);
    if (body.name && body.name !== current.name && this.byName(body.name)) {
      throw new ConnectorSyncError('API_CONFLICT', `name ${body.name} already exists`);
    }
    // as the published API: values change only through an auth_methods entry (no headers/auth_data in a PATCH)
    const { auth_methods, ...fields } = body;
    const next = { ...current, ...storedFields(fields), modified_at: this.now() } as RemoteConnector;
    this.connectors.set(id, next);
    for (const method of auth_methods ?? []) {
      const stored = { ...this.secrets.get(id) };
      if (method.global_headers) stored.headers = headerValues(method.global_headers);
      if (method.oauth2_metadata_secrets) stored.auth_data = method.oauth2_metadata_secrets;
      this.secrets.set(id, stored);
    }
    return { ...next };
  }

  async deleteConnector(id: string): Promise<void> {
    const current = this.connectors.get(id);
    this.calls.push(`delete ${current?.name ?? id}`);
    this.maybeFail('delete', current?.name, 'before');
    if (!current) throw new ConnectorSyncError('API_NOT_FOUND', `connector ${id} not found`);
    this.connectors.delete(id);
  }

  async shareConnector(id: string): Promise<void> {
    this.setVisibility(id, 'shared_workspace', 'share');
  }

  async unshareConnector(id: string): Promise<void> {
    this.setVisibility(id, 'private', 'unshare');
  }

  async getAuthUrl(idOrName: string): Promise<{ authUrl: string; ttlSeconds: number }> {
    return { authUrl: `https://auth.example.com/${idOrName}`, ttlSeconds: 600 };
  }

  async listTools(): Promise<RemoteTool[]> {
    return [];
  }

  async activateConnector(id: string, scope: ConsumerScope): Promise<void> {
    this.calls.push(`activate ${this.connectors.get(id)?.name ?? id} ${scope}`);
    this.activation.set(id, { ...this.activation.get(id), [scope]: true });
  }

  async deactivateConnector(id: string, scope: ConsumerScope): Promise<void> {
    this.calls.push(`deactivate ${this.connectors.get(id)?.name ?? id} ${scope}`);
    this.activation.set(id, { ...this.activation.get(id), [scope]: false });
  }

  async listCredentials(idOrName: string, scope: ConsumerScope): Promise<RemoteCredential[]> {
    this.calls.push(`credentials ${idOrName} ${scope}`);
    const id = (this.connectors.get(idOrName) ?? this.byName(idOrName))?.id ?? idOrName;
    return (this.credentials.get(id)?.get(scope) ?? []).map(({ values: _values, ...shown }) => ({
      ...shown,
    }));
  }

  async putCredentials(idOrName: string, scope: ConsumerScope, body: CredentialsBody): Promise<void> {
    this.calls.push(`put credential ${idOrName} ${scope}/${body.name}`);
    const scopes = this.credentials.get(idOrName) ?? new Map();
    this.credentials.set(idOrName, scopes);
    const list = scopes.get(scope) ?? [];
    scopes.set(scope, list);
    const type = body.credentials?.bearer_token ? 'bearer' : 'none';
    let entry = list.find((c: RemoteCredential) => c.name === body.name);
    if (!entry) {
      entry = { name: body.name, authentication_type: type, scope: 'workspace', is_default: false };
      list.push(entry);
      if (!list.some((c: RemoteCredential) => c !== entry && c.authentication_type === type && c.is_default))
        entry.is_default = true;
    }
    if (body.title !== undefined) entry.title = body.title;
    if (body.credentials) entry.values = body.credentials;
    if (body.is_default === true)
      for (const other of list)
        if (other.authentication_type === entry.authentication_type) other.is_default = other === entry;
  }

  async deleteCredentials(idOrName: string, scope: ConsumerScope, name: string): Promise<void> {
    this.calls.push(`delete credential ${idOrName} ${scope}/${name}`);
    const list = this.credentials.get(idOrName)?.get(scope) ?? [];
    const index = list.findIndex((c) => c.name === name);
    if (index < 0) throw new ConnectorSyncError('API_NOT_FOUND', `credential ${name} not found`);
    list.splice(index, 1);
  }

  stats() {
    return { requests: this.calls.length, requestsByStatus: {}, retries: 0, rateLimited: 0 };
  }

  async close(): Promise<void> {}

  private setVisibility(
    id: string,
    visibility: 'private' | 'shared_workspace',
    call: 'share' | 'unshare',
  ): void {
    const current = this.connectors.get(id);
    this.calls.push(`${call} ${current?.name ?? id}`);
    this.maybeFail(call, current?.name, 'before');
    if (!current) throw new ConnectorSyncError('API_NOT_FOUND', `connector ${id} not found`);
    this.connectors.set(id, { ...current, visibility, modified_at: this.now() });
  }

  private maybeFail(
    method: InjectedFailure['method'],
    name: string | undefined,
    when: 'before' | 'after',
  ): void {
    const index = this.failures.findIndex(
      (f) =>
        f.method === method &&
        (f.name === undefined || f.name === name) &&
        (f.afterEffect ? 'after' : 'before') === when,
    );
    if (index < 0) return;
    const [failure] = this.failures.splice(index, 1);
    throw failure!.error;
  }

  private now(): string {
    this.tick += 1;
    return new Date(Date.UTC(2026, 0, 1, 0, 0, this.tick)).toISOString();
  }
}

/** A header map's values, as the fake keeps them. */
function headerValues(
  headers: Record<string, { value: string }> | undefined,
): Record<string, string> | undefined {
  return headers && Object.fromEntries(Object.entries(headers).map(([name, header]) => [name, header.value]));
}
