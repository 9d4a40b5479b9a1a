import { describe, expect, test } from 'vitest';
import { parseYaml } from '../../src/config/parse.js';

describe('parseYaml', () => {
  test('keeps every document of a file with its data, and marks empty ones', () => {
    const parsed = parseYaml('a.yaml', '---\nname: a\n---\n# nothing\n---\nname: b\n');
    expect(parsed.issues).toEqual([]);
    expect(parsed.documents.map((doc) => [doc.data, doc.empty])).toEqual([
      [{ name: 'a' }, false],
      [null, true],
      [{ name: 'b' }, false],
    ]);
  });

  test('reports a duplicate key at the second one, naming the first', () => {
    const parsed = parseYaml('a.yaml', 'name: a\ndescription: d\nname: b\n');
    expect(parsed.issues).toEqual([
      {
        code: 'duplicate-key',
        severity: 'error',
        message: 'key `name` appears twice in this mapping (first at line 1); remove one',
        location: { file: 'a.yaml', line: 3, column: 1 },
        related: [{ file: 'a.yaml', line: 1, column: 1 }],
      },
    ]);
    expect(parsed.documents[0]?.data).toBeUndefined();
  });

  test('reports tabs used for indentation', () => {
    const parsed = parseYaml('a.yaml', 'headers:\n\tX: y\n');
    expect(parsed.issues.map((issue) => [issue.code, issue.location.line, issue.location.column])).toEqual([
      ['yaml-tab', 2, 1],
    ]);
  });

  test('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [from, to] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
    ]) {
      bomb.push(`${to}: &${to} [${Array(10).fill(`*${from}`).join(', ')}]`);
    }
    const parsed = parseYaml('bomb.yaml', `${bomb.join('\n')}\n`);
    expect(parsed.issues.map((issue) => issue.code)).toEqual(['yaml-alias-limit']);
    expect(parsed.documents[0]?.data).toBeUndefined();
  });

  test('a few aliases are fine', () => {
    const parsed = parseYaml('a.yaml', 'x: &h {A: b}\ny: *h\n');
    expect(parsed.issues).toEqual([]);
    expect(parsed.documents[0]?.data).toEqual({ x: { A: 'b' }, y: { A: 'b' } });
  });

  test('deep nesting is an error, not a crash, and is reported once', () => {
    const parsed = parseYaml('deep.yaml', `x: ${'['.repeat(5000)}\n`);
    expect(parsed.issues.length).toBeGreaterThan(0);
    expect(parsed.issues.length).toBeLessThan(10);
  });

  test('an unknown tag is an error', () => {
    const parsed = parseYaml('a.yaml', 'description: !vault abc\n');
    expect(parsed.issues.map((issue) => [issue.code, issue.message])).toEqual([
      ['yaml-tag', 'unknown YAML tag `!vault`: connector files use plain values'],
    ]);
  });

  test('__proto__ and constructor keys become plain own data and touch no prototype', () => {
    const parsed = parseYaml(
      'a.yaml',
      '__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}\n',
    );
    const data = parsed.documents[0]?.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
