import { describe, expect, test } from 'vitest';
import { decodeSource, formatBytes, MAX_FILE_BYTES } from '../../src/config/source.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeSource', () => {
  test('returns the text, without a byte-order mark, file after file', () => {
    for (const name of ['a', 'b']) {
      const withMark = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(`name: ${name}\n`)]);
      expect(decodeSource(`${name}.yaml`, withMark)).toEqual({ text: `name: ${name}\n` });
    }
  });

  test('points at the first NUL byte', () => {
    const result = decodeSource('a.yaml', new Uint8Array([...bytes('name: a\nab'), 0, 1]));
    expect(result).toEqual({
      issue: expect.objectContaining({
        code: 'binary-file',
        location: { file: 'a.yaml', line: 2, column: 3 },
      }),
    });
  });

  test('points at the first invalid UTF-8 byte, counting columns in characters', () => {
    const result = decodeSource('a.yaml', new Uint8Array([...bytes('x: 1\ndescription: é€ '), 0xff, 0x41]));
    expect(result).toEqual({
      issue: expect.objectContaining({
        code: 'invalid-utf8',
        message: 'invalid UTF-8 (byte 0xff): connector files must be UTF-8 text',
        location: { file: 'a.yaml', line: 2, column: 17 },
      }),
    });
  });

  test('refuses more than MAX_FILE_BYTES', () => {
    const result = decodeSource('a.yaml', new Uint8Array(MAX_FILE_BYTES + 1).fill(0x20));
    expect(result).toEqual({
      issue: expect.objectContaining({
        code: 'file-too-large',
        location: { file: 'a.yaml', line: 0, column: 0 },
      }),
    });
    expect(decodeSource('a.yaml', new Uint8Array(MAX_FILE_BYTES).fill(0x20))).toHaveProperty('text');
  });

  test('formats sizes for people', () => {
    expect([formatBytes(17), formatBytes(2048), formatBytes(10 * 1024 * 1024)]).toEqual([
      '17 bytes',
      '2 KiB',
      '10.0 MiB',
    ]);
  });
});
