/** The ledger's HMAC key: a damaged key file (empty or cut short by a crash) is replaced, never used. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openLedger } from '../../src/reconcile/ledger.js';
import { Secret } from '../../src/secret.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ledger-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const API = 'https://api.example.com';

it.each([
  ['empty', Buffer.alloc(0)],
  ['31 bytes', Buffer.alloc(31, 7)],
])('replaces a key file that is %s with a new 32-byte key, kept from then on', async (_label, short) => {
  await writeFile(join(dir, 'fingerprint.key'), short);
  const ledger = await openLedger(dir, API, new Secret('key-a'));
  expect(ledger.key).toHaveLength(32);
  expect(ledger.key.equals(Buffer.alloc(32))).toBe(false);
  const onDisk = await readFile(join(dir, 'fingerprint.key'));
  expect(onDisk.equals(ledger.key)).toBe(true);
  expect((await openLedger(dir, API, new Secret('key-a'))).key.equals(ledger.key)).toBe(true);
});

it('keeps a key of exactly 32 bytes', async () => {
  const key = Buffer.alloc(32, 9);
  await writeFile(join(dir, 'fingerprint.key'), key);
  expect((await openLedger(dir, API, new Secret('key-a'))).key.equals(key)).toBe(true);
});
