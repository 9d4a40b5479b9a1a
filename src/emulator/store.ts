/**
 * The emulator's state and the API's rules over it: unique names, UUID ids, timestamps, read-only
 * built-ins, visibility only through share/unshare, OAuth state, tools discovery. Connectors are
 * kept in a list sorted by (created_at, id) so a page is a binary search and a slice, and each
 * connector's JSON is cached until it changes, so a page of 1,000 is served without re-serializing.
 */
import { randomUUID } from 'node:crypto';
import {
  type AuthMethodsUpdate,
  activationFor,
  applyAuthMethods,
  methodsFromCreate,
  noCredentials,
} from './auth-methods.js';
import type { CreateInput, CredentialsInput, UpdateInput } from './bodies.js';
import { putCredential, removeCredential } from './credentials.js';
import { compareKeys, type SortKey } from './cursor.js';
import { canonicalUuid, looksLikeUuid } from './params.js';
import { ownerTypeFor, presentConnector } from './present.js';
import { connectorNotFound, mistralErrorReply, type Reply, validationReply } from './replies.js';
import { deriveTools } from './tools.js';
import type { ConnectorRecord, ConsumerScope, CredentialStatus, McpTool, StoredCredential } from './types.js';

/** A store operation's outcome: the value, or the reply the API gives instead. */
export type StoreResult<T> = { ok: true; value: T } | { ok: false; reply: Reply };

interface Entry {
  record: ConnectorRecord;
  key: SortKey;
  json: string | null;
}

/** What the store needs from outside. */
export interface StoreDeps {
  /** Epoch milliseconds; injectable so tests control timestamps. */
  now: () => number;
  /** Called after every change, to persist. */
  onChange: () => void;
  /**
   * Let a starting state hold several connectors of one name (state the API forbids, but a
   * listing can still show after an old bug or a migration). Creates and renames still need a
   * free name; a name resolves to the first of its connectors.
   */
  duplicateNames?: boolean;
  /** How a PATCH's `auth_methods` entry treats the fields it omits (default `replace`). */
  authMethodsUpdate?: AuthMethodsUpdate;
}

/** One page of the listing. */
export interface StorePage {
  json: string[];
  last: ConnectorRecord | null;
  hasMore: boolean;
}

/** A record's place in the listing. */
export function keyOf(record: ConnectorRecord): SortKey {
  const createdMs = Date.parse(record.created_at);
  return { createdMs: Number.isFinite(createdMs) ? createdMs : 0, id: record.id };
}

function readOnly(record: ConnectorRecord): Reply {
  return mistralErrorReply(
    403,
    `Connector '${record.name}' is a Mistral built-in connector and cannot be modified or deleted.`,
    'invalid_request_error',
    'connector_read_only',
  );
}

function nameTaken(name: string): Reply {
  // 409, not 422: the body is valid, the workspace's state conflicts with it (see README of the emulator).
  return mistralErrorReply(
    409,
    `A connector named '${name}' already exists in this workspace.`,
    'invalid_request_error',
    'connector_name_taken',
    'name',
  );
}

/** The in-memory Connectors API state. */
export class ConnectorStore {
  readonly #byId = new Map<string, Entry>();
  readonly #byName = new Map<string, Entry>();
  /** Sorted by key; almost every insert is an append, so inserts stay cheap. */
  #order: Entry[] = [];
  readonly #deps: StoreDeps;

  constructor(deps: StoreDeps) {
    this.#deps = deps;
  }

  /** How many connectors exist. */
  get size(): number {
    return this.#order.length;
  }

  /** A connector by UUID or by name (names are unique), as the API resolves `{connector_id_or_name}`. */
  find(idOrName: string): ConnectorRecord | undefined {
    if (looksLikeUuid(idOrName)) {
      const byId = this.#byId.get(canonicalUuid(idOrName));
      if (byId) return byId.record;
    }
    return this.#byName.get(idOrName)?.record;
  }

  /** A connector by canonical UUID. */
  findById(id: string): ConnectorRecord | undefined {
    return this.#byId.get(id)?.record;
  }

  /** The connector's JSON, serialized once per change. */
  json(record: ConnectorRecord): string {
    const entry = this.#byId.get(record.id);
    if (!entry) return JSON.stringify(presentConnector(record));
    entry.json ??= JSON.stringify(presentConnector(entry.record));
    return entry.json;
  }

  /** Every connector in listing order (copies: callers cannot change the state behind the rules). */
  list(): ConnectorRecord[] {
    return this.#order.map((entry) => structuredClone(entry.record));
  }

  /** Creates a connector from a validated body; 409 when the name is taken. */
  create(input: CreateInput): StoreResult<ConnectorRecord> {
    if (this.#byName.has(input.name)) return { ok: false, reply: nameTaken(input.name) };
    const stamp = new Date(this.#deps.now()).toISOString();
    const record: ConnectorRecord = {
      id: randomUUID(),
      name: input.name,
      title: input.title,
      description: input.description,
      server: input.server,
      icon_url: input.icon_url,
      system_prompt: input.system_prompt,
      visibility: input.visibility,
      owner_type: ownerTypeFor(input.visibility),
      created_at: stamp,
      modified_at: stamp,
      active: true,
      mistral: false,
      org_headers: input.headers,
      auth_methods: methodsFromCreate(input),
      oauth2_server_metadata_url: input.oauth2_server_metadata_url,
      activation: activationFor(input.visibility, true),
      credentials: noCredentials(),
      oauth_status: null,
      is_authenticated: false,
      server_tools: null,
      discovered_tools: null,
      discovered_at: null,
    };
    this.#add(record);
    this.#deps.onChange();
    return { ok: true, value: record };
  }

  /** Applies a validated update to the connector with this UUID. */
  update(id: string, input: UpdateInput): StoreResult<ConnectorRecord> {
    const entry = this.#byId.get(id);
    if (!entry) return { ok: false, reply: connectorNotFound(id) };
    const record = entry.record;
    if (record.mistral) return { ok: false, reply: readOnly(record) };
    if (input.name !== undefined && input.name !== record.name) {
      if (this.#byName.has(input.name)) return { ok: false, reply: nameTaken(input.name) };
      this.#unindexName(entry);
      record.name = input.name;
      this.#byName.set(record.name, entry);
    }
    if (input.description !== undefined) record.description = input.description;
    if (input.title !== undefined) record.title = input.title;
    if (input.icon_url !== undefined) record.icon_url = input.icon_url;
    if (input.system_prompt !== undefined) record.system_prompt = input.system_prompt;
    if (input.auth_methods !== undefined) {
      const applied = applyAuthMethods(
        record.auth_methods,
        input.auth_methods,
        this.#deps.authMethodsUpdate ?? 'replace',
      );
      record.auth_methods = applied.methods;
      // New OAuth client credentials invalidate the grant a person gave with the old ones.
      if (applied.oauthClientChanged) {
        record.is_authenticated = false;
        record.oauth_status = null;
      }
    }
    if (input.server !== undefined && input.server !== record.server) {
      // A different MCP server: what was discovered from the old one no longer applies.
      record.server = input.server;
      record.discovered_tools = null;
      record.discovered_at = null;
    }
    this.#modified(entry);
    return { ok: true, value: record };
  }

  /** Deletes the connector with this UUID. */
  remove(id: string): StoreResult<ConnectorRecord> {
    const entry = this.#byId.get(id);
    if (!entry) return { ok: false, reply: connectorNotFound(id) };
    if (entry.record.mistral) return { ok: false, reply: readOnly(entry.record) };
    this.#drop(entry);
    this.#deps.onChange();
    return { ok: true, value: entry.record };
  }

  /** PUT .../share: private to shared_workspace (idempotent). Returns the message to answer. */
  share(id: string): StoreResult<string> {
    return this.#setVisibility(id, 'shared_workspace', 'private');
  }

  /** DELETE .../share: shared_workspace back to private (idempotent). */
  unshare(id: string): StoreResult<string> {
    return this.#setVisibility(id, 'private', 'shared_workspace');
  }

  #setVisibility(id: string, target: 'private' | 'shared_workspace', from: 'private' | 'shared_workspace') {
    const entry = this.#byId.get(id);
    if (!entry) return { ok: false as const, reply: connectorNotFound(id) };
    const record = entry.record;
    if (record.mistral) return { ok: false as const, reply: readOnly(record) };
    const verb = target === 'shared_workspace' ? 'shared with the workspace' : 'private';
    if (record.visibility === target) {
      return { ok: true as const, value: `Connector '${record.name}' is already ${verb}.` };
    }
    if (record.visibility !== from) {
      const reply = mistralErrorReply(
        409,
        `Connector '${record.name}' is ${record.visibility}; only ${from} connectors can be made ${verb}. Delete and create it again to change its visibility.`,
        'invalid_request_error',
        'connector_visibility_conflict',
        'visibility',
      );
      return { ok: false as const, reply };
    }
    record.visibility = target;
    record.owner_type = ownerTypeFor(target);
    this.#modified(entry);
    return { ok: true as const, value: `Connector '${record.name}' is now ${verb}.` };
  }

  /** POST .../{scope}/activate or /deactivate. Built-ins too: activating one is how it is turned on. */
  setActivation(id: string, scope: ConsumerScope, on: boolean): StoreResult<string> {
    const entry = this.#byId.get(id);
    if (!entry) return { ok: false, reply: connectorNotFound(id) };
    const record = entry.record;
    record.activation[scope] = on;
    record.active = Object.values(record.activation).some(Boolean);
    this.#changed(entry);
    const verb = on ? 'activated' : 'deactivated';
    return { ok: true, value: `Connector '${record.name}' ${verb} for the ${scope}.` };
  }

  /** A scope's credentials of a connector, in creation order. */
  credentials(record: ConnectorRecord, scope: ConsumerScope): readonly StoredCredential[] {
    return record.credentials[scope];
  }

  /** POST .../{scope}/credentials: creates or updates one, by the API's default rules. */
  putCredentials(
    record: ConnectorRecord,
    scope: ConsumerScope,
    input: CredentialsInput,
  ): StoreResult<string> {
    const entry = this.#byId.get(record.id)!;
    const result = putCredential(record.credentials[scope], input, new Date(this.#deps.now()).toISOString());
    if (!result.ok) return { ok: false, reply: validationReply([result.detail]) };
    this.#changed(entry);
    return { ok: true, value: result.message };
  }

  /** DELETE .../{scope}/credentials/{name}, or every user credential when `name` is null. */
  deleteCredentials(record: ConnectorRecord, scope: ConsumerScope, name: string | null): StoreResult<string> {
    const entry = this.#byId.get(record.id)!;
    if (name === null) {
      const count = record.credentials[scope].length;
      record.credentials[scope] = [];
      this.#changed(entry);
      return { ok: true, value: `${count} ${scope} credentials of '${record.name}' deleted.` };
    }
    if (!removeCredential(record.credentials[scope], name)) {
      const reply = mistralErrorReply(
        404,
        `Connector '${record.name}' has no ${scope} credentials named '${name}'.`,
        'invalid_request_error',
        'credentials_not_found',
      );
      return { ok: false, reply };
    }
    this.#changed(entry);
    return { ok: true, value: `Credentials '${name}' deleted.` };
  }

  /**
   * Sets the health the API reports for a credential (`{scope, name}`) or, without one, for the
   * OAuth grant: what an expired token or an unreachable server looks like. Null when not found.
   */
  setCredentialStatus(
    idOrName: string,
    target: { scope: ConsumerScope; name: string } | null,
    status: CredentialStatus | null,
  ): ConnectorRecord | null {
    const record = this.find(idOrName);
    if (!record) return null;
    if (target === null) record.oauth_status = status;
    else {
      const credential = record.credentials[target.scope].find((c) => c.name === target.name);
      if (!credential) return null;
      credential.status = status;
    }
    this.#changed(this.#byId.get(record.id)!);
    return record;
  }

  /** Marks an OAuth grant as given (or revoked), as a person finishing the flow would. */
  markAuthenticated(idOrName: string, authenticated: boolean): ConnectorRecord | undefined {
    const record = this.find(idOrName);
    if (!record) return undefined;
    const entry = this.#byId.get(record.id)!;
    record.is_authenticated = authenticated;
    if (authenticated)
      record.oauth_status ??= {
        status_type: 'valid',
        last_checked_at: new Date(this.#deps.now()).toISOString(),
      };
    else record.oauth_status = null;
    this.#changed(entry);
    return record;
  }

  /** Sets what the connector's MCP server exposes; the API's cache keeps the old list until a refresh. */
  setServerTools(idOrName: string, tools: McpTool[] | null): ConnectorRecord | undefined {
    const record = this.find(idOrName);
    if (!record) return undefined;
    record.server_tools = tools;
    this.#deps.onChange();
    return record;
  }

  /** The connector's tools: the cached discovery, or a fresh one when asked or never done. */
  tools(record: ConnectorRecord, refresh: boolean): McpTool[] {
    if (record.discovered_tools !== null && !refresh) return record.discovered_tools;
    const entry = this.#byId.get(record.id);
    record.discovered_tools = structuredClone(record.server_tools ?? deriveTools(record.server));
    record.discovered_at = new Date(this.#deps.now()).toISOString();
    if (entry) entry.json = null;
    this.#deps.onChange();
    return record.discovered_tools;
  }

  /**
   * One page after `after` (exclusive), `size` items long, optionally filtered on `active`
   * (true: active connectors; false: the others), without private ones for a `shared_only` key. Cost: a binary search plus the items scanned.
   * `repeatLast` starts at the cursor's own item instead (the "duplicate items" fault).
   */
  page(
    after: SortKey | null,
    size: number,
    active: boolean | null,
    repeatLast = false,
    hidePrivate = false,
  ): StorePage {
    let index = after === null ? 0 : this.#firstAfter(after);
    if (after !== null && repeatLast && index > 0 && compareKeys(this.#order[index - 1]!.key, after) === 0)
      index -= 1;
    const json: string[] = [];
    let last: ConnectorRecord | null = null;
    const order = this.#order;
    const matches = (record: ConnectorRecord) =>
      (active === null || (record.active === true) === active) &&
      !(hidePrivate && record.visibility === 'private');
    for (; index < order.length && json.length < size; index += 1) {
      const entry = order[index]!;
      if (!matches(entry.record)) continue;
      entry.json ??= JSON.stringify(presentConnector(entry.record));
      json.push(entry.json);
      last = entry.record;
    }
    let hasMore = false;
    for (; index < order.length; index += 1) {
      if (matches(order[index]!.record)) {
        hasMore = true;
        break;
      }
    }
    return { json, last, hasMore };
  }

  /** The first connector a caller may delete at or before `key` (the "listing changes" fault). */
  firstDeletableUpTo(key: SortKey): ConnectorRecord | undefined {
    for (const entry of this.#order) {
      if (compareKeys(entry.key, key) > 0) return undefined;
      if (!entry.record.mistral) return entry.record;
    }
    return undefined;
  }

  /** Adds a complete record (seed, saved state, tests); throws when its id or name is taken. */
  insert(record: ConnectorRecord): void {
    if (this.#byId.has(record.id)) throw new Error(`a connector with id ${record.id} already exists`);
    if (this.#byName.has(record.name) && !this.#deps.duplicateNames)
      throw new Error(`a connector named '${record.name}' already exists`);
    this.#add(record);
    this.#deps.onChange();
  }

  /** Replaces the whole state (reset, load). */
  replaceAll(records: ConnectorRecord[]): void {
    this.#byId.clear();
    this.#byName.clear();
    this.#order = [];
    for (const record of records) {
      if (this.#byId.has(record.id) || (this.#byName.has(record.name) && !this.#deps.duplicateNames)) {
        throw new Error(`duplicate connector '${record.name}' (${record.id})`);
      }
      this.#add(record);
    }
    this.#deps.onChange();
  }

  /** A deep copy of every record, secrets included, for persistence and reset. */
  snapshot(): ConnectorRecord[] {
    return this.#order.map((entry) => structuredClone(entry.record));
  }

  #add(record: ConnectorRecord): void {
    const entry: Entry = { record, key: keyOf(record), json: null };
    this.#byId.set(record.id, entry);
    if (!this.#byName.has(record.name)) this.#byName.set(record.name, entry);
    const last = this.#order.at(-1);
    if (last === undefined || compareKeys(last.key, entry.key) < 0) this.#order.push(entry);
    else this.#order.splice(this.#firstAfter(entry.key), 0, entry);
  }

  #drop(entry: Entry): void {
    this.#byId.delete(entry.record.id);
    this.#unindexName(entry);
    const index = this.#firstAfter(entry.key) - 1;
    if (index >= 0 && this.#order[index] === entry) this.#order.splice(index, 1);
    else this.#order = this.#order.filter((candidate) => candidate !== entry);
  }

  /** Forgets the entry's name; with duplicates allowed, the name goes to the next connector that carries it. */
  #unindexName(entry: Entry): void {
    const name = entry.record.name;
    if (this.#byName.get(name) !== entry) return;
    this.#byName.delete(name);
    if (!this.#deps.duplicateNames) return;
    const next = this.#order.find((other) => other !== entry && other.record.name === name);
    if (next) this.#byName.set(name, next);
  }

  /** A change the connector's modified_at does not record (activation, credentials, grants). */
  #changed(entry: Entry): void {
    entry.json = null;
    this.#deps.onChange();
  }

  /** Bumps modified_at, strictly later than before even when the clock has not moved. */
  #modified(entry: Entry): void {
    const previous = Date.parse(entry.record.modified_at);
    const now = this.#deps.now();
    entry.record.modified_at = new Date(
      Number.isFinite(previous) && now <= previous ? previous + 1 : now,
    ).toISOString();
    entry.json = null;
    this.#deps.onChange();
  }

  /** Index of the first entry whose key is greater than `key`. */
  #firstAfter(key: SortKey): number {
    let low = 0;
    let high = this.#order.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareKeys(this.#order[middle]!.key, key) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
