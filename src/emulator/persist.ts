/**
 * State persisted to a JSON file: loaded at start, written after every change. Writes go to a
 * temporary file in the same directory, are flushed to disk, then renamed over the old file, so a
 * crash leaves either the old state or the new one, never half a file. Changes made in the same
 * tick coalesce into one write, and a write never overlaps another.
 *
 * The write-only `headers` and `auth_data` are written as keyed fingerprints, never as values:
 * `--emulator` keeps this file in the user's working tree, where git may pick it up, and the
 * emulator never gives those values back (it only needs to know that they are set). The key is
 * random per process and stored nowhere, so a fingerprint cannot be brute-forced from the file.
 * The file is still created readable by its owner only.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConnectorSyncError } from '../errors.js';
import type { ConnectorRecord, StoredAuthData } from './types.js';

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
    headers: null,
    auth_data: null,
    auth_methods: null,
    is_authenticated: false,
    server_tools: null,
    discovered_tools: null,
    discovered_at: null,
  };
  return Object.assign(defaults, record) as unknown as ConnectorRecord;
}

const FINGERPRINT_KEY = randomBytes(32);
const FINGERPRINT = /^hmac-sha256:[A-Za-z0-9_-]{43}$/;

/** What the state file holds instead of a write-only value (a value loaded from the file stays as is). */
export function writeOnlyFingerprint(value: unknown): string {
  if (typeof value === 'string' && FINGERPRINT.test(value)) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `hmac-sha256:${createHmac('sha256', FINGERPRINT_KEY).update(text).digest('base64url')}`;
}

/** A record as the file keeps it: write-only values replaced by their fingerprints. */
function forDisk(record: ConnectorRecord): ConnectorRecord {
  const headers =
    record.headers === null
      ? null
      : Object.fromEntries(
          Object.entries(record.headers).map(([name, v]) => [name, writeOnlyFingerprint(v)]),
        );
  const auth: StoredAuthData | null =
    record.auth_data === null
      ? null
      : {
          client_id: writeOnlyFingerprint(record.auth_data.client_id),
          client_secret:
            record.auth_data.client_secret === null
              ? null
              : writeOnlyFingerprint(record.auth_data.client_secret),
        };
  return { ...record, headers, auth_data: auth };
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
