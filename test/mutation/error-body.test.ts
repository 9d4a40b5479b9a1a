/** Error bodies of every shape, summarized to one safe line: exact words, limits and what is never read. */
import { describe, expect, it } from 'vitest';
import { renderValidationDetail, summarizeErrorBody } from '../../src/api/error-body.js';

const json = (body: unknown, status = 400) =>
  summarizeErrorBody(status, JSON.stringify(body), 'application/json');

describe('error bodies', () => {
  it('say nothing for an empty or blank body', () => {
    expect(summarizeErrorBody(500, '  \n', null)).toEqual({ message: null, details: [], kind: 'empty' });
  });

  it('recognize HTML by content type or by its first tag, and keep its title or heading', () => {
    const base = 'HTTP 502 with an HTML body (a proxy error page?)';
    expect(summarizeErrorBody(502, 'oops', 'Text/HTML; charset=utf-8')).toEqual({
      message: base,
      details: [],
      kind: 'html',
    });
    for (const start of ['<!DOCTYPE html>', '<html>', '<HEAD>']) {
      expect(summarizeErrorBody(502, `${start}<title> Bad\n  gateway </title>`, null).message).toBe(
        `${base}: Bad gateway`,
      );
    }
    expect(summarizeErrorBody(502, '<html><h1 class="x">Down</h1></html>', null).message).toBe(
      `${base}: Down`,
    );
    expect(summarizeErrorBody(502, '<html><title>  </title></html>', null).message).toBe(base);
    expect(summarizeErrorBody(502, `${' '.repeat(5)}<p>not html</p>`, null).kind).toBe('text');
  });

  it('call a truncated JSON body so, and keep only the first line of plain text', () => {
    for (const text of ['{"detail": [', '[1,']) {
      expect(summarizeErrorBody(500, text, null)).toEqual({
        message: 'a JSON body that could not be parsed (truncated?)',
        details: [],
        kind: 'unparsable-json',
      });
    }
    expect(summarizeErrorBody(500, 'upstream failed\r\nsecond line', null)).toEqual({
      message: 'upstream failed',
      details: [],
      kind: 'text',
    });
  });

  it('clip server text to 200 characters and strip control characters', () => {
    const long = summarizeErrorBody(500, 'x'.repeat(300), null).message!;
    expect(long).toBe(`${'x'.repeat(197)}...`);
    expect(summarizeErrorBody(500, 'y'.repeat(200), null).message).toBe('y'.repeat(200));
    expect(json({ detail: 'a\u001b[31mb\u0007\u009bc\u007f' }).message).toBe('a [31mb c');
  });

  it("read FastAPI's detail list as loc: msg lines, never the echoed input", () => {
    const summary = json(
      {
        detail: [
          { loc: ['body', 'server'], msg: 'bad url', input: 'canary-input' },
          { loc: ['body', 0], message: 'other wording' },
          { msg: 'no loc' },
          { loc: ['only', 'loc'] },
          { loc: 'not a list', msg: 7 },
          'plain string',
          42,
          null,
        ],
      },
      422,
    );
    expect(summary).toEqual({
      message: 'body.server: bad url; body.0: other wording; no loc; only.loc; plain string',
      details: ['body.server: bad url', 'body.0: other wording', 'no loc', 'only.loc', 'plain string'],
      kind: 'json',
    });
    expect(JSON.stringify(summary)).not.toContain('canary-input');
    expect(json({ detail: [{}, 1] })).toEqual({ message: null, details: [], kind: 'json' });
  });

  it('keep at most 20 validation lines, then how many more', () => {
    const lines = renderValidationDetail(
      Array.from({ length: 23 }, (_, i) => ({ loc: ['f'], msg: `m${i}` })),
    );
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('f: m19');
    expect(lines[20]).toBe('and 3 more');
    expect(renderValidationDetail(Array.from({ length: 20 }, () => 'x'))).toHaveLength(20);
  });

  it('read a detail string or object, then message, error and error.message, with type and code', () => {
    for (const body of [
      { detail: 'plain' },
      { detail: { message: 'm' } },
      { message: 'm' },
      { other: 1 },
      'bare',
    ]) {
      expect(json(body).details).toEqual([]);
    }
    expect(json({ error: '' }).message).toBeNull();
    expect(summarizeErrorBody(502, '<html><title lang="en">Busy</title></html>', null).message).toMatch(
      /: Busy$/,
    );
    expect(json({ detail: 'plain' }).message).toBe('plain');
    expect(json({ detail: { message: 'inside' } }).message).toBe('inside');
    expect(json({ detail: { other: 1 } }).message).toBeNull();
    expect(json({ object: 'error', message: 'msg', type: 'invalid_request', code: 3001 }).message).toBe(
      'msg (invalid_request, 3001)',
    );
    expect(json({ message: 'msg', type: '', code: null }).message).toBe('msg');
    expect(json({ message: '', error: 'err' }).message).toBe('err');
    expect(json({ error: '', message: 'm2' }).message).toBe('m2');
    expect(json({ error: { message: 'nested' }, code: 'E1' }).message).toBe('nested (E1)');
    expect(json({ error: { code: 1 } }).message).toBeNull();
    expect(json({ message: 5 }).message).toBeNull();
    expect(json('a bare string').message).toBe('a bare string');
    expect(json([1, 2])).toEqual({ message: null, details: [], kind: 'json' });
    expect(json(null).message).toBeNull();
    expect(json(7).message).toBeNull();
  });
});
