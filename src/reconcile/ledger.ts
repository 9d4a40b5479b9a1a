import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConnectorSyncError } from '../errors.js';
import type { Secret } from '../secret.js';
import type { SecretGroup, SecretRecord } from './types.js';

/**
 * The secret ledger: for each connector, the keyed fingerprint and secret_version of the write-only
 * values last pushed, kept in a state folder outside the repository (never the values). With it,
 * a changed header or client secret is noticed although the API never returns them. The HMAC key
 * is created once per folder with mode 0600.
 *
 * One ledger per workspace: two API keys behind one URL (staging and prod sharing a state folder
 * or a CI cache) must not vouch for each other's pushes. The workspace is told apart by an HMAC of
 * the API key under the folder's key (never the key itself, nor an unkeyed hash a short key could
 * be guessed from). Records are keyed by connector id, so a connector deleted and re-created by
 * hand (a new id, no values) has no record and shows as not verified.
 */

/** The file operations the ledger needs; injectable for tests. */
export type LedgerFs = Pick<typeof nodeFs, 'readFile' | 'writeFile' | 'mkdir' | 'rename'>;

/** A loaded ledger for one workspace. */
export interface SecretLedger {
  key: Buffer;
  /** By connector id. */
  records: Map<string, SecretRecord>;
  /** Private connectors this key created and no listing has shown yet (see key-scope.ts). */
  created?: CreatedMemory;
  /** Writes the records back atomically. */
  save(): Promise<void>;
}

/** The default state folder: $XDG_STATE_HOME/connector-sync, else ~/.local/state/connector-sync. */
export function defaultStateDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'connector-sync');
}

/**
 * Version 3 keeps a fingerprint per value group. A version 2 record's single fingerprint was
 * written after PATCHes whose `headers`/`auth_data` the API ignores (they are not in its update
 * request), so it proves nothing: such records are read with every group unknown (not verified).
 */
const VERSION = 3;
const KEY_BYTES = 32;
const ONE_FINGERPRINT_VERSION = 2;
const GROUPS: ReadonlySet<string> = new Set<SecretGroup>([
  'headers',
  'auth_data',
  'oauth2_server_metadata',
  'oauth2_server_metadata_url',
  'active_for',
]);
/** One credential's group: `credential:{scope}/{name}`. */
const CREDENTIAL_GROUP = /^credential:(user|workspace|organization)\/[a-zA-Z0-9_-]{1,64}$/;

/** Opens (creating if needed) the ledger of the workspace `apiKey` reaches at `apiUrl`, in `dir`. */
export async function openLedger(
  dir: string,
  apiUrl: string,
  apiKey: Secret,
  fs: LedgerFs = nodeFs,
): Promise<SecretLedger> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const key = await readOrCreateKey(dir, fs);
    const workspace = createHmac('sha256', key).update(`workspace\0${apiKey.reveal()}`).digest('base64url');
    const name = createHash('sha256').update(`${apiUrl}\0${workspace}`).digest('hex').slice(0, 16);
    const file = join(dir, `secrets-${name}.json`);
    const records = await readRecords(file, workspace, fs);
    const createdFile = join(dir, `created-${name}.json`);
    const created = await readCreated(createdFile, workspace, fs);
    let storedCreated = created.size;
    return {
      key,
      records,
      created,
      save: async () => {
        // most runs create no private connector: no file is written for an empty memory
        if (created.size > 0 || storedCreated > 0) await writeCreated(createdFile, workspace, created, fs);
        storedCreated = created.size;
        const connectors = Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        const body = { version: VERSION, api_url: apiUrl, workspace, connectors };
        const temporary = `${file}.${process.pid}.tmp`;
        await fs.writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
        await fs.rename(temporary, file);
      },
    };
  } catch (error) {
    if (error instanceof ConnectorSyncError) throw error;
    throw new ConnectorSyncError(
      'SETTINGS_INVALID',
      `cannot use the state folder ${dir}: ${(error as Error).message}`,
      {
        hint: 'set --state-dir (or CONNECTOR_SYNC_STATE_DIR) to a writable folder outside the repository',
      },
    );
  }
}

async function readOrCreateKey(dir: string, fs: LedgerFs): Promise<Buffer> {
  const path = join(dir, 'fingerprint.key');
  const existing = await readKey(path, fs);
  if (existing !== null && existing.length >= KEY_BYTES) return existing;
  const key = randomBytes(KEY_BYTES);
  if (existing === null) {
    // 'wx' so two processes starting at once cannot overwrite each other's key
    try {
      await fs.writeFile(path, key, { mode: 0o600, flag: 'wx' });
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const theirs = await readKey(path, fs);
      if (theirs !== null && theirs.length >= KEY_BYTES) return theirs;
    }
  }
  // an empty or cut-short file (a crash while it was written) would key every fingerprint with
  // next to nothing: it is replaced whole, through a rename, and what the folder then holds is used
  const temporary = `${path}.${process.pid}.tmp`;
  await fs.writeFile(temporary, key, { mode: 0o600 });
  await fs.rename(temporary, path);
  return (await readKey(path, fs)) ?? key;
}

/** The key file's bytes, or null when there is none. */
async function readKey(path: string, fs: LedgerFs): Promise<Buffer | null> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function readRecords(
  file: string,
  workspace: string,
  fs: LedgerFs,
): Promise<Map<string, SecretRecord>> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  try {
    const parsed = JSON.parse(raw) as { version?: unknown; workspace?: unknown; connectors?: unknown };
    // another format or another workspace vouches for nothing: its connectors show as not verified
    const known = parsed.version === VERSION || parsed.version === ONE_FINGERPRINT_VERSION;
    if (!known || parsed.workspace !== workspace) return new Map();
    const records = new Map<string, SecretRecord>();
    for (const [id, value] of Object.entries((parsed.connectors ?? {}) as Record<string, unknown>)) {
      const record = readRecord(value);
      if (record !== null) records.set(id, record);
    }
    return records;
  } catch {
    // a damaged ledger only costs verification (values show as unverified), never a wrong write
    return new Map();
  }
}

/** A stored record, or null when it has not the shape of one; fingerprints of unknown groups are dropped. */
function readRecord(value: unknown): SecretRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record.secretVersion !== null && typeof record.secretVersion !== 'string') return null;
  const fingerprints: SecretRecord['fingerprints'] = {};
  const stored = record.fingerprints;
  if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
    for (const [group, fingerprint] of Object.entries(stored)) {
      if ((GROUPS.has(group) || CREDENTIAL_GROUP.test(group)) && typeof fingerprint === 'string')
        fingerprints[group as SecretGroup] = fingerprint;
    }
  } else if (typeof record.fingerprint !== 'string') return null;
  return { fingerprints, secretVersion: record.secretVersion };
}

// --- the created memory: kept apart from the fingerprint records, in a file of its own ---

/** A private connector this key created, by id, until a listing shows it or settles its fate. */
export type CreatedMemory = Map<string, { name: string; created_at: string }>;

const CREATED_VERSION = 1;

async function readCreated(file: string, workspace: string, fs: LedgerFs): Promise<CreatedMemory> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    if (parsed.version !== CREATED_VERSION || parsed.workspace !== workspace) return new Map();
    const entries = Object.entries((parsed.connectors ?? {}) as Record<string, unknown>);
    return new Map(
      entries.filter((entry): entry is [string, { name: string; created_at: string }] => isCreated(entry[1])),
    );
  } catch {
    // missing or damaged: only the key-scope check before a create is lost, never a write made wrong
    return new Map();
  }
}

function isCreated(value: unknown): value is { name: string; created_at: string } {
  const entry = value as { name?: unknown; created_at?: unknown } | null;
  return typeof entry?.name === 'string' && typeof entry.created_at === 'string';
}

async function writeCreated(
  file: string,
  workspace: string,
  created: CreatedMemory,
  fs: LedgerFs,
): Promise<void> {
  const body = { version: CREATED_VERSION, workspace, connectors: Object.fromEntries(created) };
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, file);
}
