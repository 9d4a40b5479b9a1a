import { describe, expect, it } from 'vitest';
import { renderValidationDetail, summarizeErrorBody } from '../../src/api/error-body.js';

describe('summarizeErrorBody', () => {
  it.each([
    ['FastAPI detail string', '{"detail": "Connector not found"}', 'Connector not found'],
    [
      'Mistral error object',
      '{"object":"error","message":"Bad","type":"invalid_request_error","param":null,"code":"3001"}',
      'Bad (invalid_request_error, 3001)',
    ],
    ['bare message', '{"message": "Requests rate limit exceeded"}', 'Requests rate limit exceeded'],
    ['OpenAI-style error', '{"error": {"message": "nope"}}', 'nope'],
    ['a JSON string', '"just a string"', 'just a string'],
    [
      'plain text, first line only',
      'upstream connect error\nreset reason: overflow',
      'upstream connect error',
    ],
    ['truncated JSON', '{"detail": [{"loc": ["body"', 'a JSON body that could not be parsed (truncated?)'],
    ['JSON without a message', '{"status": 500}', null],
    ['an empty body', '  \n', null],
  ])('reads %s', (_name, text, expected) => {
    expect(summarizeErrorBody(500, text, null).message).toBe(expected);
  });

  it('summarizes HTML by its title, from the content type or the markup', () => {
    const page =
      '<html><head><title>503 Service Temporarily Unavailable</title></head><body>...</body></html>';
    expect(summarizeErrorBody(503, page, 'text/html; charset=utf-8')).toEqual({
      message: 'HTTP 503 with an HTML body (a proxy error page?): 503 Service Temporarily Unavailable',
      details: [],
      kind: 'html',
    });
    expect(summarizeErrorBody(502, '<!DOCTYPE html><p>bad</p>', null).message).toBe(
      'HTTP 502 with an HTML body (a proxy error page?)',
    );
  });

  it('keeps server text to one short line without control characters', () => {
    const message = summarizeErrorBody(
      500,
      JSON.stringify({ message: `\u001b[31mred\u0007 ${'x'.repeat(500)}` }),
      null,
    ).message!;
    expect(message.startsWith('[31mred ')).toBe(true);
    expect([...message].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
    expect(message.length).toBeLessThanOrEqual(200);
  });

  it('never crashes on any input', () => {
    for (const text of [
      '{',
      '[',
      'null',
      '[1,2]',
      '{"detail": 5}',
      '{"detail": [null, 1, {}]}',
      '<',
      '\u0000',
    ]) {
      expect(() => summarizeErrorBody(500, text, null)).not.toThrow();
    }
  });
});

describe('renderValidationDetail', () => {
  it('renders loc and msg, never the echoed input', () => {
    expect(
      renderValidationDetail([
        {
          loc: ['body', 'name'],
          msg: 'string does not match pattern',
          input: 'SECRET',
          ctx: { pattern: 'x' },
        },
        { loc: ['query', 'page_size'], msg: 'Input should be less than or equal to 1000', input: '5000' },
        'a bare string',
        { msg: 'no location' },
      ]),
    ).toEqual([
      'body.name: string does not match pattern',
      'query.page_size: Input should be less than or equal to 1000',
      'a bare string',
      'no location',
    ]);
  });

  it('lists at most 20 issues and says how many more', () => {
    const lines = renderValidationDetail(
      Array.from({ length: 25 }, (_, i) => ({ loc: ['body', i], msg: 'bad' })),
    );
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('and 5 more');
  });
});
