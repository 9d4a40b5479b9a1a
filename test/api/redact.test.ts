/**
 * Secrets an API echoes in an error (FastAPI's 422 carries the rejected `input`; proxies quote
 * headers in HTML pages and request ids) never reach a message: redaction runs on the whole raw
 * text, escaped forms included, before anything is cut, and again after. No run of 12 characters
 * of a secret survives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiError, errorForStatus } from '../../src/api/errors.js';
import { SecretSet } from '../../src/redact.js';

const FRAGMENT = 12;

function fail(secrets: string[], text: string, headers: Record<string, string> = {}, status = 422): ApiError {
  const ctx = {
    method: 'POST',
    path: '/v1/connectors',
    origin: 'https://api.test',
    secrets: new SecretSet(secrets),
  };
  return errorForStatus(ctx, { status, headers, text }, 1, false);
}

/** Everything of an error a person or a machine could see. */
function shown(error: ApiError): string {
  return [error.message, error.hint ?? '', error.requestId ?? '', ...error.details].join('\n');
}

/** The first run of FRAGMENT characters of `secret` found in `text`, or null. */
function leakedFragment(text: string, secret: string): string | null {
  for (let i = 0; i + FRAGMENT <= secret.length; i++) {
    const run = secret.slice(i, i + FRAGMENT);
    if (text.includes(run)) return run;
  }
  return null;
}

function fastApi422(msg: string, input: unknown): string {
  return JSON.stringify({ detail: [{ type: 'value_error', loc: ['body', 'headers', 'X-Key'], msg, input }] });
}

const pyRepr = (value: string) =>
  value.replace(
    /[\\'\t\n\r]/g,
    (c) => ({ '\\': '\\\\', "'": "\\'", '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!,
  );
const html = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

describe('secrets echoed in API errors', () => {
  const long = `sk-${'a1B2c3D4e5'.repeat(30)}`; // 303 characters: longer than the 200 a message keeps

  it('redacts a long token before the message is cut to 200 characters', () => {
    const error = fail([long], fastApi422(`Value error, invalid header value ${long}`, long));
    expect(leakedFragment(shown(error), long)).toBeNull();
    expect(error.message).toContain('[redacted]');
  });

  it('redacts a 40-character token that straddles the cut', () => {
    const token = 'tok_9fQ2xL7mZ3pR8vK1wN4bH6cJ0dS5gT2yU8eA';
    const error = fail([token], fastApi422(`${'x'.repeat(150)} ${token}`, null));
    expect(leakedFragment(shown(error), token)).toBeNull();
  });

  it.each([
    ['JSON-escaped', 'pa"ss\\wo"rd-0123456789', (v: string) => JSON.stringify(v).slice(1, -1)],
    ['Python repr', "it's-a\\secret-0123456789", (v: string) => `'${pyRepr(v)}'`],
    ['with a tab', 'tabbed\tsecret-0123456789', (v: string) => v],
    ['URL-encoded', 'abc def/0123456789xyz', encodeURIComponent],
  ])('redacts a %s value', (_, secret, encode) => {
    const body = JSON.stringify({ object: 'error', message: `rejected header ${encode(secret)}` });
    const error = fail([secret], body);
    expect(leakedFragment(shown(error), secret)).toBeNull();
    expect(leakedFragment(shown(error), secret.replace('\t', ' '))).toBeNull();
  });

  it('redacts a value in an HTML title and in a request id', () => {
    const secret = 'Bearer <abc&def>-0123456789xyz';
    const page = `<html><head><title>400 bad header ${html(secret)}</title></head></html>`;
    const error = fail([secret], page, { 'content-type': 'text/html', 'x-request-id': `req-${secret}` }, 400);
    expect(leakedFragment(shown(error), secret)).toBeNull();
    expect(error.requestId).toBe('req-[redacted]');
  });

  it('redacts a value that reached an earlier request only (the client remembers every secret it sent)', async () => {
    const set = new SecretSet(['api-key-0123456789']);
    set.add('header-value-0123456789');
    expect(set.redact('echo header-value-0123456789 and api-key-0123456789')).toBe(
      'echo [redacted] and [redacted]',
    );
  });

  it('redacts a very short value only as a whole word', () => {
    const error = fail(['k', 'abc'], JSON.stringify({ message: 'network error: key k rejected, abc, abcd' }));
    expect(error.message).toContain('network error: key [redacted] rejected, [redacted], abcd');
  });

  it('leaves no 12-character run of a random secret, however it is echoed, escaped or cut', () => {
    const alphabet = [...'abcdefghXYZ0123456789-_.~ \t"\'\\<>&%+/=éł€😀'];
    const secret = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 12, maxLength: 160 });
    const encodings: Array<(v: string) => string> = [
      (v) => v,
      (v) => JSON.stringify(v).slice(1, -1),
      (v) => `'${pyRepr(v)}'`,
      encodeURIComponent,
      html,
    ];
    const filler = fc.string({ unit: fc.constantFrom(...'qrstuvw ,:'), maxLength: 300 });
    const shape = fc.constantFrom('fastapi', 'mistral', 'text', 'html', 'request-id');
    fc.assert(
      fc.property(
        secret,
        fc.nat(encodings.length - 1),
        filler,
        filler,
        shape,
        (value, e, before, after, kind) => {
          const echoed = `${before}${encodings[e]!(value)}${after}`;
          const text =
            kind === 'fastapi'
              ? fastApi422(echoed, value)
              : kind === 'mistral'
                ? JSON.stringify({ object: 'error', message: echoed, type: 'invalid_request' })
                : kind === 'html'
                  ? `<!DOCTYPE html><title>${echoed}</title>`
                  : echoed;
          const headers: Record<string, string> = kind === 'request-id' ? { 'x-request-id': echoed } : {};
          const error = fail(['api-key-not-echoed-0000', value], text, headers);
          expect(leakedFragment(shown(error), value)).toBeNull();
        },
      ),
      { numRuns: 400 },
    );
  });
});
