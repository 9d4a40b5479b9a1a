import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeFsError, nodeLoaderFs } from '../../src/config/fs.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loader-fs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nodeLoaderFs.readFile', () => {
  test('reads a whole file under the limit, byte for byte', async () => {
    const content = Buffer.from('x'.repeat(10_000));
    await writeFile(join(dir, 'a.yaml'), content);
    expect(Buffer.from(await nodeLoaderFs.readFile(join(dir, 'a.yaml'), 1024 * 1024))).toEqual(content);
  });

  test('reads one byte past the limit at most, so callers can tell the file is too large', async () => {
    await writeFile(join(dir, 'big.yaml'), Buffer.alloc(100_000, 0x61));
    expect((await nodeLoaderFs.readFile(join(dir, 'big.yaml'), 4)).length).toBe(5);
    expect((await nodeLoaderFs.readFile(join(dir, 'big.yaml'), 50_000)).length).toBe(50_001);
  });

  test('reads an empty file as no bytes', async () => {
    await writeFile(join(dir, 'empty.yaml'), '');
    expect((await nodeLoaderFs.readFile(join(dir, 'empty.yaml'), 100)).length).toBe(0);
  });

  test('reads a FIFO without a writer as no bytes instead of waiting for one', async () => {
    execFileSync('mkfifo', [join(dir, 'secret-pipe')]);
    // an empty secret is an error of its own (empty-secret-file), never a hang
    expect(await nodeLoaderFs.readFile(join(dir, 'secret-pipe'), 100)).toHaveLength(0);
  }, 5_000);

  test('explains file system errors without the path', async () => {
    const error = await nodeLoaderFs.readFile(join(dir, 'missing'), 10).catch((e: unknown) => e);
    expect(describeFsError(error)).toBe('no such file or directory');
    expect(describeFsError(new Error('odd'))).toBe('cannot be read');
  });
});

describe('nodeLoaderFs.readSource', () => {
  test('reads a connector file whole, and refuses one over the limit unread, with its size', async () => {
    await writeFile(join(dir, 'c.yaml'), 'name: c\n');
    await writeFile(join(dir, 'huge.yaml'), Buffer.alloc(100_000, 0x61));
    expect(await nodeLoaderFs.readSource(join(dir, 'c.yaml'), 1024)).toEqual({
      bytes: Buffer.from('name: c\n'),
    });
    expect(await nodeLoaderFs.readSource(join(dir, 'huge.yaml'), 50_000)).toEqual({ tooLarge: 100_000 });
  });

  test('refuses a FIFO without waiting for a writer, and a directory', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const fifo = await nodeLoaderFs.readSource(join(dir, 'pipe.yaml'), 1024).catch((e: unknown) => e);
    expect(describeFsError(fifo)).toBe('not a regular file');
    const folder = await nodeLoaderFs.readSource(dir, 1024).catch((e: unknown) => e);
    expect(describeFsError(folder)).toBe('not a regular file');
  });
});
