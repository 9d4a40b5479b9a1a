/**
 * State persisted to a JSON file: loaded at start, written after every change. Writes go to a
 * temporary file in the same directory, are flushed to disk, then renamed over the old file, so a
 * crash leaves either the old state or the new one, never half a file. Changes made in the same
 * tick coalesce into one write, and a write never overlaps another.
 *
 * Write-only values (create's headers, secret global header values, OAuth client ids and secrets,
 * credential values) are written as keyed fingerprints, never as values:
 * `--emulator` keeps this file in the user's working tree, where git may pick it up, and the
 * emulator never gives those values back (it only needs to know that they are set). The key is
 * random per process and stored nowhere, so a fingerprint cannot be brute-forced from the file.
 * The file is still created readable by its owner only.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConnectorSyncError } from '../errors.js';
import { activationFor, methodsFromCreate, noCredentials } from './auth-methods.js';
import type {
  ConnectorRecord,
  StoredAuthData,
  StoredAuthMethod,
  StoredCredential,
  StoredMethodType,
  StoredVisibility,
} from './types.js';

const FORMAT = 'connector-sync-emulator-state';

/** The file's content. */
interface SavedState {
  format: typeof FORMAT;
  version: 1;
  connectors: ConnectorRecord[];
}

function invalid(path: string, problem: string): ConnectorSyncError {
  return new ConnectorSyncError('SETTINGS_INVALID', `${path}: not an emulator state file: ${problem}`, {
    hint: 'point --state at a file the emulator wrote, or at a path that does not exist yet',
  });
}

const STRINGS = [
  'id',
  'name',
  'description',
  'server',
  'created_at',
  'modified_at',
  'visibility',
  'owner_type',
] as const;

function checkRecord(value: unknown, where: string, path: string): ConnectorRecord {
  if (typeof value !== 'object' || value === null) throw invalid(path, `${where} is not an object`);
  const record = value as Record<string, unknown>;
  for (const key of STRINGS) {
    if (typeof record[key] !== 'string') throw invalid(path, `${where}.${key} is not a string`);
  }
  const defaults: Omit<ConnectorRecord, (typeof STRINGS)[number]> = {
    title: null,
    icon_url: null,
    system_prompt: null,
    active: true,
    mistral: false,
    org_headers: null,
    auth_methods: [],
    oauth2_server_metadata_url: null,
    activation: activationFor(
      record.visibility as StoredVisibility,
      (record.active ?? true) as boolean | null,
    ),
    credentials: noCredentials(),
    oauth_status: null,
    is_authenticated: false,
    server_tools: null,
    discovered_tools: null,
    discovered_at: null,
  };
  return migrate(Object.assign(defaults, record));
}

/**
 * A record of an older file: `headers` was create's and PATCH's one header store, `auth_data` the
 * OAuth client, and `auth_methods` a list of method types (or null). Their values were already
 * fingerprints, so they move as they are.
 */
function migrate(record: Record<string, unknown>): ConnectorRecord {
  const { headers, auth_data: auth, auth_methods: methods, ...rest } = record;
  if (Array.isArray(methods) && methods.every((method) => typeof method === 'object' && method !== null)) {
    return { ...rest, auth_methods: methods } as unknown as ConnectorRecord;
  }
  const oauthClient = (auth ?? null) as StoredAuthData | null;
  const types = Array.isArray(methods) ? (methods as StoredMethodType[]) : [];
  const created = methodsFromCreate({
    global_headers: {},
    auth_data: oauthClient,
    oauth2_server_metadata: null,
    oauth2_server_metadata_url: null,
  });
  const migrated = [
    ...created,
    ...types
      .filter((type) => type !== created[0]!.method_type)
      .map((type) => ({
        ...created[0]!,
        method_type: type,
        oauth2_metadata_secrets: null,
      })),
  ];
  return {
    ...rest,
    org_headers:
      (rest.org_headers as Record<string, unknown> | null | undefined) ??
      ((headers ?? null) as Record<string, unknown> | null),
    auth_methods: migrated,
  } as unknown as ConnectorRecord;
}

const FINGERPRINT_KEY = randomBytes(32);
const FINGERPRINT = /^hmac-sha256:[A-Za-z0-9_-]{43}$/;

/** What the state file holds instead of a write-only value (a value loaded from the file stays as is). */
export function writeOnlyFingerprint(value: unknown): string {
  if (typeof value === 'string' && FINGERPRINT.test(value)) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `hmac-sha256:${createHmac('sha256', FINGERPRINT_KEY).update(text).digest('base64url')}`;
}

function fingerprintNullable<T>(value: T | null): string | null {
  return value === null ? null : writeOnlyFingerprint(value);
}

function fingerprintMap<T>(map: Record<string, T>, value: (entry: T) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(map).map(([name, entry]) => [name, value(entry)]));
}

/** An auth method as the file keeps it: secret global header values and the OAuth client as fingerprints. */
function methodForDisk(method: StoredAuthMethod): StoredAuthMethod {
  const secrets = method.oauth2_metadata_secrets;
  return {
    ...method,
    global_headers: fingerprintMap(method.global_headers, (header) =>
      header.is_secret ? { ...header, value: writeOnlyFingerprint(header.value) } : header,
    ),
    oauth2_metadata_secrets:
      secrets === null
        ? null
        : {
            ...secrets,
            client_id: fingerprintNullable(secrets.client_id),
            client_secret: fingerprintNullable(secrets.client_secret),
          },
  };
}

/** A credential as the file keeps it: every value a fingerprint. */
function credentialForDisk(credential: StoredCredential): StoredCredential {
  const { values } = credential;
  return {
    ...credential,
    values: {
      headers: values.headers === null ? null : fingerprintMap(values.headers, writeOnlyFingerprint),
      bearer_token: fingerprintNullable(values.bearer_token),
      oauth: values.oauth === null ? null : { fingerprint: writeOnlyFingerprint(values.oauth) },
      github_installation_id: fingerprintNullable(values.github_installation_id),
    },
  };
}

/** A record as the file keeps it: write-only values replaced by their fingerprints. */
function forDisk(record: ConnectorRecord): ConnectorRecord {
  return {
    ...record,
    org_headers:
      record.org_headers === null ? null : fingerprintMap(record.org_headers, writeOnlyFingerprint),
    auth_methods: record.auth_methods.map(methodForDisk),
    credentials: {
      user: record.credentials.user.map(credentialForDisk),
      workspace: record.credentials.workspace.map(credentialForDisk),
      organization: record.credentials.organization.map(credentialForDisk),
    },
  };
}

/** Loads a state file; null when it does not exist yet. */
export async function loadState(path: string): Promise<ConnectorRecord[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConnectorSyncError('SETTINGS_INVALID', `cannot read the state file ${path}: ${String(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not JSON (${(error as Error).message})`);
  }
  const saved = data as Partial<SavedState>;
  if (saved?.format !== FORMAT || saved.version !== 1 || !Array.isArray(saved.connectors)) {
    throw invalid(path, `expected {"format": "${FORMAT}", "version": 1, "connectors": [...]}`);
  }
  return saved.connectors.map((record, index) => checkRecord(record, `connectors[${index}]`, path));
}

/** Writes the state after changes, atomically and one write at a time. */
export class StateWriter {
  readonly #path: string;
  readonly #snapshot: () => ConnectorRecord[];
  #dirty = false;
  #running: Promise<void> | null = null;
  #failure: Error | null = null;
  #counter = 0;

  constructor(path: string, snapshot: () => ConnectorRecord[]) {
    this.#path = path;
    this.#snapshot = snapshot;
  }

  /** Notes a change; the write happens on the next tick, together with the other changes of this one. */
  schedule(): void {
    this.#dirty = true;
    this.#running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
  }

  /** Waits until every change so far is on disk; rejects when the last write failed. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    if (this.#failure) throw this.#failure;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#dirty) {
        this.#dirty = false;
        await this.#write();
      }
      this.#failure = null;
    } catch (error) {
      this.#failure = new ConnectorSyncError(
        'SETTINGS_INVALID',
        `cannot write the state file ${this.#path}: ${String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      this.#running = null;
    }
  }

  async #write(): Promise<void> {
    const state: SavedState = { format: FORMAT, version: 1, connectors: this.#snapshot().map(forDisk) };
    const text = `${JSON.stringify(state, null, 1)}\n`;
    await mkdir(dirname(this.#path), { recursive: true });
    this.#counter += 1;
    const temporary = `${this.#path}.${process.pid}.${this.#counter}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.#path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
