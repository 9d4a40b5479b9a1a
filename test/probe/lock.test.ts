/** The tool lock: stable text, strict parsing, drift by tool and part, and digests that agree with the API's. */
import { describe, expect, it } from 'vitest';
import { API_DIGESTED_FIELDS, apiToolDigest, canonicalJson, toolDigest } from '../../src/probe/digest.js';
import { compareTools, parseLock, renderLock, type ToolLock } from '../../src/probe/lock.js';

const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };

describe('tool lock', () => {
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('renders sorted and parses back to the same lock', () => {
    const digest = toolDigest({ name: 'x', description: 'd', inputSchema: schema, annotations: null });
    const lock: ToolLock = new Map([
      [
        'zeta',
        new Map([
          ['b', digest],
          ['a', digest],
        ]),
      ],
      ['alpha', new Map([['c', digest]])],
    ]);
    const text = renderLock(lock);
    expect(text.indexOf('alpha:')).toBeLessThan(text.indexOf('zeta:'));
    const parsed = parseLock(text);
    expect(parsed.ok && renderLock(parsed.lock)).toBe(text);
  });

  it('refuses a lock whose digests are not sha256 digests', () => {
    expect(
      parseLock(
        'version: 1\nconnectors:\n  a:\n    tools:\n      t: {description: x, input_schema: y, annotations: z}\n',
      ).ok,
    ).toBe(false);
    expect(parseLock('[').ok).toBe(false);
  });

  it('names each tool added, removed or changed, and which part changed', () => {
    const before = new Map([
      ['keep', toolDigest({ name: 'keep', description: 'a', inputSchema: schema, annotations: null })],
      ['gone', toolDigest({ name: 'gone', description: 'a', inputSchema: schema, annotations: null })],
    ]);
    const after = new Map([
      [
        'keep',
        toolDigest({
          name: 'keep',
          description: 'a',
          inputSchema: schema,
          annotations: { destructiveHint: true },
        }),
      ],
      ['new', toolDigest({ name: 'new', description: 'a', inputSchema: schema, annotations: null })],
    ]);
    expect(compareTools(before, after)).toEqual({
      added: ['new'],
      removed: ['gone'],
      changed: [{ name: 'keep', fields: ['annotations'] }],
    });
  });

  it('the API’s description and jsonschema digest like the server’s description and inputSchema', () => {
    const fromServer = toolDigest({
      name: 't',
      description: 'Search.',
      inputSchema: schema,
      annotations: { readOnlyHint: true },
    });
    // the API lists the same tool with its keys in another order and no annotations
    const fromApi = apiToolDigest({
      description: 'Search.',
      jsonschema: { required: ['q'], properties: { q: { type: 'string' } }, type: 'object' },
    });
    const drift = compareTools(new Map([['t', fromServer]]), new Map([['t', fromApi]]), API_DIGESTED_FIELDS);
    expect(drift).toEqual({ added: [], removed: [], changed: [] });
  });
});
