/** The pure pieces: cursors, parameter parsing, body checks, fault settings, the seeded random source. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCreateBody, checkUpdateBody } from '../../src/emulator/bodies.js';
import { compareKeys, decodeCursor, encodeCursor } from '../../src/emulator/cursor.js';
import { checkFaultSettings, FaultEngine, seededRandom } from '../../src/emulator/faults.js';
import { parseBooleanParam, parseIntegerParam, parseUuidParam } from '../../src/emulator/params.js';

describe('cursors', () => {
  it('round-trip any key and stay opaque (URL-safe, no raw id in sight)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.uuid(), (createdMs, id) => {
        const token = encodeCursor({ createdMs, id });
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(token).not.toContain(id);
        expect(decodeCursor(token)).toEqual({ createdMs, id });
      }),
    );
  });

  it('refuse anything they did not make', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const decoded = decodeCursor(text);
        if (decoded !== null) expect(encodeCursor(decoded)).toBe(text);
      }),
    );
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor(Buffer.from('{"v":2,"t":1,"id":"x"}').toString('base64url'))).toBeNull();
  });

  it('order keys by time, then id', () => {
    expect(compareKeys({ createdMs: 1, id: 'b' }, { createdMs: 2, id: 'a' })).toBe(-1);
    expect(compareKeys({ createdMs: 2, id: 'a' }, { createdMs: 2, id: 'b' })).toBe(-1);
    expect(compareKeys({ createdMs: 2, id: 'a' }, { createdMs: 2, id: 'a' })).toBe(0);
  });
});

describe('parameters, as FastAPI parses them', () => {
  it('parses integers with bounds', () => {
    expect(parseIntegerParam(null, 'page_size', { fallback: 100, min: 1 })).toEqual({ ok: true, value: 100 });
    expect(parseIntegerParam(' 7 ', 'page_size', { fallback: 100 })).toEqual({ ok: true, value: 7 });
    expect(parseIntegerParam('7.5', 'page_size', { fallback: 100 })).toMatchObject({
      detail: { type: 'int_parsing' },
    });
  });

  it("parses booleans with pydantic's spellings", () => {
    for (const word of ['true', 'True', '1', 'yes', 'on'])
      expect(parseBooleanParam(word, ['q'], null)).toEqual({ ok: true, value: true });
    for (const word of ['false', '0', 'no', 'off'])
      expect(parseBooleanParam(word, ['q'], null)).toEqual({ ok: true, value: false });
    expect(parseBooleanParam('maybe', ['q'], null)).toMatchObject({
      ok: false,
      detail: { type: 'bool_parsing' },
    });
  });

  it('accepts UUIDs in dashed or simple form and names the bad character otherwise', () => {
    expect(parseUuidParam('0B0B0B0B00004000800000000000000A', ['p'])).toEqual({
      ok: true,
      value: '0b0b0b0b-0000-4000-8000-00000000000a',
    });
    const name = parseUuidParam('deepwiki', ['path', 'connector_id']);
    expect(name).toMatchObject({
      ok: false,
      detail: { type: 'uuid_parsing', loc: ['path', 'connector_id'] },
    });
    expect(JSON.stringify(name)).toContain('found `p` at 4');
  });
});

describe('bodies', () => {
  it('reports every problem of a create body at once, in field order', () => {
    const checked = checkCreateBody({ name: '', server: 'https://', visibility: 'public' });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.detail.map((detail) => detail.loc.join('.'))).toEqual([
      'body.name',
      'body.description',
      'body.visibility',
      'body.server',
    ]);
  });

  it('fills create defaults: private, nulls, no secrets', () => {
    expect(checkCreateBody({ name: 'a', description: 'b', server: 'http://localhost:8080/mcp' })).toEqual({
      ok: true,
      value: {
        name: 'a',
        description: 'b',
        server: 'http://localhost:8080/mcp',
        visibility: 'private',
        title: null,
        icon_url: null,
        system_prompt: null,
        headers: null,
        global_headers: {},
        auth_data: null,
        oauth2_server_metadata: null,
        oauth2_server_metadata_url: null,
      },
      ignored: [],
    });
  });

  it('reads an auth_methods entry with only the fields it gives, ignoring what the model lacks', () => {
    const checked = checkUpdateBody({
      headers: { X: 'y' },
      auth_methods: [
        {
          method_type: 'oauth2',
          oauth2_metadata_secrets: { client_id: 'id', client_secret: 's' },
          scope: 'x',
        },
      ],
    });
    expect(checked).toEqual({
      ok: true,
      value: {
        auth_methods: [
          {
            method_type: 'oauth2',
            auth_direction: 'outbound',
            oauth2_metadata_secrets: {
              client_id: 'id',
              client_secret: 's',
              client_id_issued_at: null,
              client_secret_expires_at: null,
            },
          },
        ],
      },
      ignored: ['auth_methods[0].scope', 'headers'],
    });
  });
});

describe('fault settings', () => {
  it('lists every problem with its place', () => {
    expect(
      checkFaultSettings({
        latencyMs: -1,
        rules: [{ kind: 'error', rate: 2, path: '(' }, { kind: 'x' }],
        extra: 1,
      }),
    ).toEqual([
      'faults.extra: unknown setting',
      'faults.latencyMs: expected a number >= 0',
      'faults.rules[0].rate: expected a number from 0 to 1',
      'faults.rules[0].path: not a valid regular expression',
      'faults.rules[1].kind: expected one of error, rate_limit, drop, slow_body, html, echo_secrets, truncated, duplicate_items, repeat_cursor, shift_listing',
    ]);
  });

  it('fires a rule with rate 0.5 on about half the requests, identically for the same seed', () => {
    const fired = () => {
      const engine = new FaultEngine(seededRandom(3), () => 0);
      engine.update({ rules: [{ kind: 'error', rate: 0.5 }] });
      return Array.from(
        { length: 200 },
        () => engine.take('error', { method: 'GET', path: '/v1/connectors' }) !== null,
      );
    };
    const first = fired();
    const count = first.filter(Boolean).length;
    expect(count).toBeGreaterThan(70);
    expect(count).toBeLessThan(130);
    expect(fired()).toEqual(first);
  });
});
