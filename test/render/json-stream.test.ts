import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeChunks, writeLines } from '../../src/cli/io.js';
import { jsonChunks } from '../../src/render/json-stream.js';
import { Secret } from '../../src/secret.js';

const joined = (value: unknown) => [...jsonChunks(value)].join('');

describe('jsonChunks', () => {
  it('prints exactly what JSON.stringify(value, null, 2) prints, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(joined(value)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out what JSON.stringify leaves out and follows toJSON, Secrets included', () => {
    const value = {
      gone: undefined,
      fn: () => 1,
      at: new Date(0),
      list: [undefined, () => 1, { nested: [1, { deep: 'x' }], skip: undefined }],
      secret: new Secret('canary-json-stream-7f3a'),
      empty: { only: undefined },
      emptyList: [],
    };
    expect(joined(value)).toBe(JSON.stringify(value, null, 2));
    expect(joined(value)).not.toContain('canary-json-stream-7f3a');
  });

  it('yields each element of a large array on its own', () => {
    const operations = Array.from({ length: 5000 }, (_, i) => ({ kind: 'create', name: `c-${i}` }));
    const pieces = [...jsonChunks({ plan: { operations } })];
    expect(pieces.length).toBeGreaterThan(5000);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200);
  });
});

describe('writeChunks / writeLines', () => {
  it('writes everything, in chunks of about 64 KiB rather than one string', () => {
    const writes: string[] = [];
    const lines = Array.from({ length: 20_000 }, (_, i) => `  ✓ create connector-${i}`);
    writeLines({ write: (text: string) => writes.push(text) }, lines);
    expect(writes.join('')).toBe(`${lines.join('\n')}\n`);
    expect(writes.length).toBeGreaterThan(5);
    expect(Math.max(...writes.map((w) => w.length))).toBeLessThan(70_000);
  });

  it('writes nothing for nothing', () => {
    const writes: string[] = [];
    writeChunks({ write: (text: string) => writes.push(text) }, []);
    expect(writes).toEqual([]);
  });
});
