/** The secret ledger's edges: keys cut short or raced, damaged records, and the created memory. */
import * as nodeFs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorSyncError } from '../../src/errors.js';
import { type LedgerFs, openLedger } from '../../src/reconcile/ledger.js';
import { Secret } from '../../src/secret.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-more-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const API = 'https://api.example.com';
const KEY = new Secret('workspace-api-key');
const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });
const isKey = (path: unknown) => String(path).endsWith('fingerprint.key');
const fileOf = async (prefix: string) => join(dir, (await readdir(dir)).find((n) => n.startsWith(prefix))!);

describe('the ledger key', () => {
  it('replaces a cut-short key whole with a 32-byte one of mode 0600, without an exclusive create', async () => {
    await writeFile(join(dir, 'fingerprint.key'), Buffer.alloc(5, 1), { mode: 0o644 });
    const exclusive: string[] = [];
    const watching: LedgerFs = {
      ...nodeFs,
      writeFile: (async (path: string, data: unknown, options?: { flag?: string }) => {
        if (options?.flag === 'wx') exclusive.push(String(path));
        return nodeFs.writeFile(path, data as string, options as object);
      }) as LedgerFs['writeFile'],
    };
    const ledger = await openLedger(dir, API, KEY, watching);
    expect(ledger.key).toHaveLength(32);
    expect((await readFile(join(dir, 'fingerprint.key'))).equals(ledger.key)).toBe(true);
    expect((await stat(join(dir, 'fingerprint.key'))).mode & 0o777).toBe(0o600);
    expect(exclusive).toEqual([]);
  });

  it('does not take a racing process key that is empty or gone, but makes a whole one', async () => {
    for (const theirs of [Buffer.alloc(0), null]) {
      let reads = 0;
      const racing: LedgerFs = {
        ...nodeFs,
        readFile: (async (path: string, options?: unknown) => {
          if (isKey(path)) {
            reads += 1;
            if (reads === 1 || (reads === 2 && theirs === null)) throw errno('ENOENT');
            if (reads === 2) return theirs;
          }
          return nodeFs.readFile(path, options as 'utf8');
        }) as LedgerFs['readFile'],
        writeFile: (async (path: string, data: unknown, options?: { flag?: string }) => {
          if (isKey(path) && options?.flag === 'wx') throw errno('EEXIST');
          return nodeFs.writeFile(path, data as string, options as object);
        }) as LedgerFs['writeFile'],
      };
      const ledger = await openLedger(dir, API, KEY, racing);
      expect(ledger.key).toHaveLength(32);
      expect((await readFile(join(dir, 'fingerprint.key'))).equals(ledger.key)).toBe(true);
    }
  });

  it('is an error when the key file cannot be created, never a key kept elsewhere', async () => {
    const readOnly: LedgerFs = {
      ...nodeFs,
      writeFile: (async (path: string, data: unknown, options?: unknown) => {
        if (isKey(path)) throw errno('EROFS');
        return nodeFs.writeFile(path, data as string, options as object);
      }) as LedgerFs['writeFile'],
    };
    const error = await openLedger(dir, API, KEY, readOnly).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorSyncError);
    expect((error as ConnectorSyncError).message).toBe(`cannot use the state folder ${dir}: EROFS: failed`);
  });

  it('uses what the folder holds after replacing a short key (another process may have won)', async () => {
    await writeFile(join(dir, 'fingerprint.key'), Buffer.alloc(3, 1));
    const winner = Buffer.alloc(32, 8);
    let reads = 0;
    const raced: LedgerFs = {
      ...nodeFs,
      readFile: (async (path: string, options?: unknown) => {
        if (isKey(path)) {
          reads += 1;
          if (reads === 2) return winner;
        }
        return nodeFs.readFile(path, options as 'utf8');
      }) as LedgerFs['readFile'],
    };
    expect((await openLedger(dir, API, KEY, raced)).key.equals(winner)).toBe(true);
  });
});

describe('the ledger records', () => {
  it('saves many records sorted by connector id', async () => {
    const ledger = await openLedger(dir, API, KEY);
    const ids = ['m', 'b', 'z', 'a', 'q', 'c', 'y', 'd'];
    for (const id of ids) ledger.records.set(id, { fingerprints: {}, secretVersion: null });
    await ledger.save();
    const saved = JSON.parse(await readFile(await fileOf('secrets-'), 'utf8'));
    expect(Object.keys(saved.connectors)).toEqual([...ids].sort());
  });

  it('reads back a fingerprint of every group it knows', async () => {
    const fingerprints = {
      headers: 'h',
      auth_data: 'a',
      oauth2_server_metadata: 'm',
      oauth2_server_metadata_url: 'u',
      active_for: 'f',
      'credential:user/c-1': 'c',
    };
    const ledger = await openLedger(dir, API, KEY);
    ledger.records.set('x', { fingerprints, secretVersion: '4' });
    await ledger.save();
    expect((await openLedger(dir, API, KEY)).records.get('x')).toEqual({ fingerprints, secretVersion: '4' });
  });

  it('drops a record of the wrong shape and keeps the others', async () => {
    const ledger = await openLedger(dir, API, KEY);
    ledger.records.set('good', { fingerprints: { headers: 'h' }, secretVersion: null });
    await ledger.save();
    const file = await fileOf('secrets-');
    const saved = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(
      file,
      JSON.stringify({
        ...saved,
        connectors: {
          ...saved.connectors,
          empty: null,
          text: 'x',
          nofingerprints: { fingerprints: null, fingerprint: 'old', secretVersion: null },
          list: { fingerprints: ['h'], secretVersion: null },
        },
      }),
    );
    const records = (await openLedger(dir, API, KEY)).records;
    expect(records.get('good')).toEqual({ fingerprints: { headers: 'h' }, secretVersion: null });
    expect(records.has('empty')).toBe(false);
    expect(records.has('text')).toBe(false);
    expect(records.get('nofingerprints')).toEqual({ fingerprints: {}, secretVersion: null });
    expect(records.has('list')).toBe(false);
  });

  it('trusts no record of a file whose workspace is another, even under this file name', async () => {
    const ledger = await openLedger(dir, API, KEY);
    ledger.records.set('a', { fingerprints: { headers: 'h' }, secretVersion: null });
    await ledger.save();
    const file = await fileOf('secrets-');
    const saved = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...saved, workspace: 'someone-else' }));
    expect((await openLedger(dir, API, KEY)).records.size).toBe(0);
    await writeFile(file, JSON.stringify({ ...saved, version: 2 }));
    expect((await openLedger(dir, API, KEY)).records.size).toBe(1);
  });
});

describe('the created memory', () => {
  const entry = { name: 'private-one', created_at: '2026-01-01T00:00:00Z' };

  it('writes no file while it is empty, then keeps entries per workspace with mode 0600', async () => {
    const ledger = await openLedger(dir, API, KEY);
    await ledger.save();
    expect((await readdir(dir)).filter((n) => n.startsWith('created-'))).toEqual([]);
    ledger.created!.set('id-1', entry);
    await ledger.save();
    const file = await fileOf('created-');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect([...(await openLedger(dir, API, KEY)).created!]).toEqual([['id-1', entry]]);
    expect((await openLedger(dir, API, new Secret('other-key'))).created!.size).toBe(0);
  });

  it('writes the file again once emptied, so a forgotten connector is not remembered', async () => {
    const ledger = await openLedger(dir, API, KEY);
    ledger.created!.set('id-1', entry);
    await ledger.save();
    const reopened = await openLedger(dir, API, KEY);
    reopened.created!.delete('id-1');
    await reopened.save();
    expect((await openLedger(dir, API, KEY)).created!.size).toBe(0);
  });

  it('reads nothing from another version or workspace, and drops entries of the wrong shape', async () => {
    const ledger = await openLedger(dir, API, KEY);
    ledger.created!.set('id-1', entry);
    await ledger.save();
    const file = await fileOf('created-');
    const saved = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...saved, version: 2 }));
    expect((await openLedger(dir, API, KEY)).created!.size).toBe(0);
    await writeFile(file, JSON.stringify({ ...saved, workspace: 'someone-else' }));
    expect((await openLedger(dir, API, KEY)).created!.size).toBe(0);
    await writeFile(
      file,
      JSON.stringify({
        ...saved,
        connectors: {
          ...saved.connectors,
          nothing: null,
          noname: { created_at: 'x' },
          nodate: { name: 'n' },
        },
      }),
    );
    expect([...(await openLedger(dir, API, KEY)).created!]).toEqual([['id-1', entry]]);
  });
});
