// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connector-file text, where ${env:...} is the syntax under test
import { describe, expect, test } from 'vitest';
import {
  literalValue,
  MAX_SECRET_FILE_BYTES,
  type ResolveContext,
  resolveReferences,
  scanReferences,
} from '../../src/config/references.js';
import { memoryFs } from './memory-fs.js';

function context(
  env: Record<string, string | undefined>,
  files: Record<string, string | Uint8Array> = {},
): ResolveContext {
  return { env, fs: memoryFs(files), baseDir: '/repo/connectors', cache: new Map() };
}

describe('scanReferences', () => {
  test('splits text and references, embedded or whole', () => {
    expect(scanReferences('Bearer ${env:TOKEN}').parts).toEqual([
      { kind: 'text', text: 'Bearer ' },
      { kind: 'env', name: 'TOKEN', index: 7, raw: '${env:TOKEN}' },
    ]);
    expect(scanReferences('${file:/run/secrets/a}${env:_B2}').parts).toEqual([
      { kind: 'file', path: '/run/secrets/a', index: 0, raw: '${file:/run/secrets/a}' },
      { kind: 'env', name: '_B2', index: 22, raw: '${env:_B2}' },
    ]);
  });

  test('$${ is a literal ${, and plain text stays text', () => {
    const scanned = scanReferences('price $${env:X} and ${env:Y}');
    expect(scanned.problems).toEqual([]);
    expect(scanned.parts.map((part) => part.kind)).toEqual(['text', 'env']);
    expect(literalValue(scanned)).toBe('price ${env:X} and ${env:Y}');
    expect(literalValue(scanReferences('no references'))).toBe('no references');
    expect(literalValue(scanReferences(''))).toBe('');
  });

  test('a $ that starts no reference is plain text, wherever it stands', () => {
    for (const value of ['$', 'costs $5', 'a$b$$c$', '$$', '$${env:X}$', 'x$$${env:Y}$z']) {
      const scanned = scanReferences(value);
      expect(scanned.problems, value).toEqual([]);
      expect(literalValue(scanned), value).toBe(value.replaceAll('$${', '${'));
    }
    expect(scanReferences('a$b ${env:T} c$').parts).toEqual([
      { kind: 'text', text: 'a$b ' },
      { kind: 'env', name: 'T', index: 4, raw: '${env:T}' },
      { kind: 'text', text: ' c$' },
    ]);
  });

  test('reports malformed references at their index, keeping their text literal', () => {
    const problems = (value: string) =>
      scanReferences(value).problems.map((problem) => [problem.index, problem.referenceLike]);
    expect(problems('Bearer ${TOKEN}')).toEqual([[7, false]]);
    expect(problems('${env:1X}')).toEqual([[0, true]]);
    expect(problems('${env:A-B}')).toEqual([[0, true]]);
    expect(problems('${file:}')).toEqual([[0, true]]);
    expect(problems('x ${env:UNCLOSED')).toEqual([[2, true]]);
    expect(problems('x ${oops')).toEqual([[2, false]]);
  });
});

describe('resolveReferences', () => {
  test('composes env and file values; a secret file loses its trailing newlines only', async () => {
    const ctx = context(
      { USER: 'alice' },
      { '/repo/connectors/secrets/pw': ' p w \n\n', '/abs/token': 'tok\r\n' },
    );
    const scanned = scanReferences('${env:USER}:${file:secrets/pw}:${file:/abs/token}');
    expect(await resolveReferences(scanned, ctx, '`headers.X`')).toEqual({
      ok: true,
      value: 'alice: p w :tok',
    });
  });

  test('names the variable or path and the key, never a value', async () => {
    const ctx = context(
      { EMPTY: '', SET: 'visible-value' },
      { '/e': '\n', '/big': new Uint8Array(MAX_SECRET_FILE_BYTES + 1).fill(0x61) },
    );
    const scanned = scanReferences('${env:SET}${env:MISSING}${env:EMPTY}${file:/nope}${file:/e}${file:/big}');
    const result = await resolveReferences(scanned, ctx, '`headers.X`');
    expect(result).toEqual({
      ok: false,
      failures: [
        {
          index: 10,
          code: 'missing-env',
          message: 'environment variable `MISSING` is not set (needed by `headers.X`)',
        },
        {
          index: 24,
          code: 'empty-env',
          message: 'environment variable `EMPTY` is empty (needed by `headers.X`)',
        },
        {
          index: 36,
          code: 'unreadable-secret-file',
          message: 'cannot read secret file `/nope` (needed by `headers.X`): no such file or directory',
        },
        {
          index: 49,
          code: 'empty-secret-file',
          message: 'secret file `/e` is empty (needed by `headers.X`)',
        },
        {
          index: 59,
          code: 'secret-file-too-large',
          message: 'secret file `/big` is larger than 64 KiB (needed by `headers.X`)',
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('visible-value');
  });

  test('a secret file that is not UTF-8 text is unreadable', async () => {
    const ctx = context({}, { '/bin': new Uint8Array([0xff, 0xfe]) });
    const result = await resolveReferences(scanReferences('${file:/bin}'), ctx, '`auth_data.client_id`');
    expect(result).toMatchObject({ ok: false, failures: [{ code: 'unreadable-secret-file' }] });
  });
});
