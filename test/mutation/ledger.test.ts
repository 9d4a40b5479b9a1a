/** The secret ledger and the fingerprints it keeps: files, modes, keys and damaged states. */
import * as nodeFs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorSyncError } from '../../src/errors.js';
import { fingerprintGroups, writeOnlyFields } from '../../src/reconcile/fingerprint.js';
import { defaultStateDir, type LedgerFs, openLedger } from '../../src/reconcile/ledger.js';
import { Secret } from '../../src/secret.js';
import { desired, headers } from '../support/fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const API = 'https://api.example.com';
const KEY = new Secret('workspace-api-key');
const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('the secret ledger', () => {
  it('lives in $XDG_STATE_HOME/connector-sync, else ~/.local/state/connector-sync', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/x', HOME: '/h' })).toBe('/x/connector-sync');
    expect(defaultStateDir({ XDG_STATE_HOME: '', HOME: '/h' })).toBe('/h/.local/state/connector-sync');
    expect(defaultStateDir({})).toMatch(/\/\.local\/state\/connector-sync$/);
  });

  it('creates a 32-byte key with mode 0600 once, and keeps it', async () => {
    const state = join(dir, 'state');
    const first = await openLedger(state, API, KEY);
    expect(first.key).toHaveLength(32);
    expect((await stat(join(state, 'fingerprint.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    expect((await openLedger(state, API, KEY)).key.equals(first.key)).toBe(true);
  });

  it('keeps a key of 32 bytes or more as it is', async () => {
    const key = Buffer.alloc(32, 9);
    await writeFile(join(dir, 'fingerprint.key'), key);
    expect((await openLedger(dir, API, KEY)).key.equals(key)).toBe(true);
  });

  it('saves records sorted, per API target, mode 0600, atomically, and reads them back', async () => {
    const ledger = await openLedger(dir, API, KEY);
    expect(ledger.records.size).toBe(0);
    ledger.records.set('zeta', { fingerprints: { headers: 'fz' }, secretVersion: null });
    ledger.records.set('alpha', { fingerprints: { auth_data: 'fa' }, secretVersion: '2' });
    await ledger.save();
    const files = (await readdir(dir)).filter((name) => name.startsWith('secrets-'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^secrets-[0-9a-f]{16}\.json$/);
    const path = join(dir, files[0]!);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      version: 3,
      api_url: API,
      workspace: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      connectors: {
        alpha: { fingerprints: { auth_data: 'fa' }, secretVersion: '2' },
        zeta: { fingerprints: { headers: 'fz' }, secretVersion: null },
      },
    });
    expect(text).not.toContain(KEY.reveal());
    expect(Object.keys(JSON.parse(text).connectors)).toEqual(['alpha', 'zeta']);
    expect(text).toContain('\n  "version": 3');
    expect([...(await openLedger(dir, API, KEY)).records.keys()].sort()).toEqual(['alpha', 'zeta']);
    expect((await openLedger(dir, 'https://other.example.com', KEY)).records.size).toBe(0);
    // another API key behind the same URL is another workspace: it vouches for none of these pushes
    expect((await openLedger(dir, API, new Secret('other-api-key'))).records.size).toBe(0);
  });

  it('reads an earlier single-fingerprint record with every group unknown, and drops unknown groups', async () => {
    const ledger = await openLedger(dir, API, KEY);
    ledger.records.set('a', { fingerprints: {}, secretVersion: null });
    await ledger.save();
    const file = join(dir, (await readdir(dir)).find((name) => name.startsWith('secrets-'))!);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    const rewrite = (version: number, connectors: unknown) =>
      writeFile(file, JSON.stringify({ ...saved, version, connectors }));
    await rewrite(2, { a: { fingerprint: 'old', secretVersion: '1' }, b: { secretVersion: null } });
    expect([...(await openLedger(dir, API, KEY)).records]).toEqual([
      ['a', { fingerprints: {}, secretVersion: '1' }],
    ]);
    await rewrite(3, { a: { fingerprints: { headers: 'h', tools: 't', auth_data: 7 }, secretVersion: 2 } });
    expect((await openLedger(dir, API, KEY)).records.size).toBe(0);
    await rewrite(3, {
      a: { fingerprints: { headers: 'h', tools: 't', auth_data: 7 }, secretVersion: null },
    });
    expect([...(await openLedger(dir, API, KEY)).records]).toEqual([
      ['a', { fingerprints: { headers: 'h' }, secretVersion: null }],
    ]);
    await rewrite(4, { a: { fingerprints: { headers: 'h' }, secretVersion: null } });
    expect((await openLedger(dir, API, KEY)).records.size).toBe(0);
  });

  it('treats a damaged or empty ledger as no records (only verification is lost)', async () => {
    const first = await openLedger(dir, API, KEY);
    first.records.set('a', { fingerprints: { headers: 'f' }, secretVersion: null });
    await first.save();
    const file = (await readdir(dir)).find((name) => name.startsWith('secrets-'))!;
    await writeFile(join(dir, file), '{ not json');
    expect((await openLedger(dir, API, KEY)).records.size).toBe(0);
    await writeFile(join(dir, file), '{"version":1}');
    expect((await openLedger(dir, API, KEY)).records.size).toBe(0);
  });

  it('uses the key another process wrote first', async () => {
    const theirs = Buffer.alloc(32, 5);
    let reads = 0;
    const racing: LedgerFs = {
      ...nodeFs,
      readFile: (async (path: string, options?: unknown) => {
        if (String(path).endsWith('fingerprint.key')) {
          reads += 1;
          if (reads === 1) throw errno('ENOENT');
          return theirs;
        }
        return nodeFs.readFile(path, options as 'utf8');
      }) as LedgerFs['readFile'],
      writeFile: (async (path: string, data: unknown, options?: unknown) => {
        if (String(path).endsWith('fingerprint.key')) throw errno('EEXIST');
        return nodeFs.writeFile(path, data as string, options as 'utf8');
      }) as LedgerFs['writeFile'],
    };
    expect((await openLedger(dir, API, KEY, racing)).key.equals(theirs)).toBe(true);
  });

  it('never overwrites a key another process wrote after this one looked', async () => {
    const theirs = Buffer.alloc(32, 6);
    await writeFile(join(dir, 'fingerprint.key'), theirs);
    let first = true;
    const late: LedgerFs = {
      ...nodeFs,
      readFile: (async (path: string, options?: unknown) => {
        if (String(path).endsWith('fingerprint.key') && first) {
          first = false;
          throw errno('ENOENT');
        }
        return nodeFs.readFile(path, options as 'utf8');
      }) as LedgerFs['readFile'],
    };
    expect((await openLedger(dir, API, KEY, late)).key.equals(theirs)).toBe(true);
    expect((await readFile(join(dir, 'fingerprint.key'))).equals(theirs)).toBe(true);
  });

  it('refuses an unusable state folder with the flag that moves it, never with a stack', async () => {
    for (const failing of ['readFile', 'writeFile', 'mkdir'] as const) {
      const broken: LedgerFs = {
        ...nodeFs,
        [failing]: async () => {
          throw errno('EACCES');
        },
      };
      const error = await openLedger(dir, API, KEY, broken).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorSyncError);
      expect((error as ConnectorSyncError).code).toBe('SETTINGS_INVALID');
      expect((error as ConnectorSyncError).message).toBe(
        `cannot use the state folder ${dir}: EACCES: failed`,
      );
      expect((error as ConnectorSyncError).hint).toBe(
        'set --state-dir (or CONNECTOR_SYNC_STATE_DIR) to a writable folder outside the repository',
      );
    }
  });

  it('passes a ConnectorSyncError through as it is', async () => {
    const own = new ConnectorSyncError('API_SERVER', 'own');
    const broken: LedgerFs = {
      ...nodeFs,
      mkdir: async () => {
        throw own;
      },
    };
    expect(await openLedger(dir, API, KEY, broken).catch((e: unknown) => e)).toBe(own);
  });

  it('fails on a ledger file it cannot read for another reason than absence', async () => {
    const broken: LedgerFs = {
      ...nodeFs,
      readFile: (async (path: string, options?: unknown) => {
        if (String(path).includes('secrets-')) throw errno('EIO');
        return nodeFs.readFile(path, options as 'utf8');
      }) as LedgerFs['readFile'],
    };
    const error = await openLedger(dir, API, KEY, broken).catch((e: unknown) => e);
    expect((error as ConnectorSyncError).message).toBe(`cannot use the state folder ${dir}: EIO: failed`);
  });
});

describe('fingerprints', () => {
  const key = Buffer.alloc(32, 3);
  const other = Buffer.alloc(32, 4);

  it('name the write-only fields a connector declares', () => {
    const oauth = { client_id: new Secret('id'), client_secret: null };
    expect(writeOnlyFields(desired('a'))).toEqual([]);
    expect(writeOnlyFields(desired('a', { headers: headers({ A: '1' }) }))).toEqual(['headers']);
    expect(writeOnlyFields(desired('a', { auth_data: oauth }))).toEqual(['auth_data']);
    expect(writeOnlyFields(desired('a', { headers: headers({}), auth_data: oauth }))).toEqual([
      'headers',
      'auth_data',
    ]);
  });

  it('are null until the values are resolved', () => {
    expect(
      fingerprintGroups(desired('a', { secretsResolved: false, headers: headers({ A: '1' }) }), key),
    ).toBeNull();
  });

  it('move with any header value, name or the key, but not with header order or name case', () => {
    const of = (values: Record<string, string>, k = key) =>
      fingerprintGroups(desired('a', { headers: headers(values) }), k)?.headers;
    const base = of({ Authorization: 'one', 'X-B': 'two' });
    expect(base).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(of({ 'X-B': 'two', Authorization: 'one' })).toBe(base);
    expect(of({ 'x-b': 'two', AUTHORIZATION: 'one' })).toBe(base);
    expect(of({ Authorization: 'one', 'X-B': 'three' })).not.toBe(base);
    expect(of({ Authorization: 'one', 'X-C': 'two' })).not.toBe(base);
    expect(of({ Authorization: 'one', 'X-B': 'two' }, other)).not.toBe(base);
    expect(fingerprintGroups(desired('a'), key)).toEqual({});
    expect(of({})).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sort header names by code unit whatever order they come in', () => {
    const of = (entries: [string, string][]) =>
      fingerprintGroups(desired('a', { headers: headers(Object.fromEntries(entries)) }), key)?.headers;
    const names = ['b', 'a', 'c', 'a-b', 'B2'];
    const forward = of(names.map((n) => [n, n]));
    expect(of([...names].reverse().map((n) => [n, n]))).toBe(forward);
    expect(of([...names].sort().map((n) => [n, n]))).toBe(forward);
  });

  it('move with the OAuth client id as well as the client secret', () => {
    const of = (id: string, secret: string | null) =>
      fingerprintGroups(
        desired('a', {
          auth_data: {
            client_id: new Secret(id),
            client_secret: secret === null ? null : new Secret(secret),
          },
        }),
        key,
      )?.auth_data;
    expect(of('id', 's')).not.toBe(of('id2', 's'));
    expect(of('id', 's')).not.toBe(of('id', null));
    expect(of('id', null)).toBe(of('id', null));
  });

  it('orders header names the same way however many there are and however they come', () => {
    const names = Array.from({ length: 30 }, (_, i) => `h${String((i * 7) % 30).padStart(2, '0')}`);
    const of = (order: string[]) =>
      fingerprintGroups(desired('a', { headers: headers(Object.fromEntries(order.map((n) => [n, n]))) }), key)
        ?.headers;
    const expected = of([...names].sort());
    expect(of(names)).toBe(expected);
    expect(of([...names].reverse())).toBe(expected);
  });
});
