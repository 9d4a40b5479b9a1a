/**
 * The redactor's edges, each as a secret an API could echo back: every escaped form (JSON, Python
 * repr, URL, HTML) comes out as one marker, short values are matched as they should be, and a
 * stretch of text holding two secrets leaks neither. Each set is built inside its test, so the
 * mutation run charges the work of `add` to the test that checks it.
 */
import { describe, expect, it, vi } from 'vitest';
import { escapedForms, redactSecrets, SecretSet } from '../../src/redact.js';

const R = '[redacted]';

/** The text around an echo, with the echo replaced by one marker, or the redacted text as is. */
function echoed(secret: string, echo: string): string {
  return new SecretSet([secret]).redact(`input was <${echo}> here`);
}

describe('the redactor, form by form', () => {
  it('redacts a non-ASCII secret echoed with \\u escapes, whole', () => {
    const secret = 'abcdefghijklé-mnopqrstuvwx';
    expect(echoed(secret, 'abcdefghijkl\\u00e9-mnopqrstuvwx')).toBe(`input was <${R}> here`);
    expect(escapedForms(secret)).toContain('abcdefghijkl\\u00e9-mnopqrstuvwx');
  });

  it('redacts a Python repr of a secret with a backslash, quotes and control characters, either way repr quotes', () => {
    const secret = "it's\\a\tb\nc\rd\u0001e\u00a0-0123456789";
    const body = "it\\'s\\\\a\\tb\\nc\\rd\\x01e\\xa0-0123456789";
    expect(echoed(secret, body)).toBe(`input was <${R}> here`);
    // repr keeps a single quote as is when it quotes with double quotes
    expect(echoed(secret, body.replace("\\'", "'"))).toBe(`input was <${R}> here`);
    expect(escapedForms(secret)).toEqual(expect.arrayContaining([body, body.replace("\\'", "'")]));
  });

  it('redacts a secret URL-encoded strictly, in either case, or with + for spaces', () => {
    const secret = "a*b(c)d!e'f g-0123456789";
    const strict = 'a%2Ab%28c%29d%21e%27f%20g-0123456789';
    for (const echo of [
      "a*b(c)d!e'f%20g-0123456789",
      strict,
      strict.toLowerCase(),
      strict.replace('%20', '+'),
    ]) {
      expect(echoed(secret, echo)).toBe(`input was <${R}> here`);
    }
    expect(escapedForms(secret)).toEqual(
      expect.arrayContaining([strict, strict.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())]),
    );
  });

  it('redacts a secret HTML-escaped the ways pages escape it', () => {
    const secret = `p&s<w>d"x'y-0123456789`;
    const base = `p&amp;s&lt;w&gt;d"x'y-0123456789`;
    const quoted = `p&amp;s&lt;w&gt;d&quot;x'y-0123456789`;
    for (const echo of [base, quoted, quoted.replace("'", '&#39;'), quoted.replace("'", '&#x27;')]) {
      expect(echoed(secret, echo)).toBe(`input was <${R}> here`);
    }
  });

  it('still redacts a value holding a lone surrogate, which has no URL form', () => {
    const secret = 'abcdef\ud800ghijklmnopqrstu';
    expect(() => new SecretSet([secret])).not.toThrow();
    expect(echoed(secret, secret)).toBe(`input was <${R}> here`);
  });
});

describe('the redactor, by length', () => {
  it('redacts a value of 8 to 11 characters anywhere, not only as a word, and its escaped forms', () => {
    expect(redactSecrets('xxp4ssw0rd!yy', ['p4ssw0rd!'])).toBe(`xx${R}yy`);
    expect(redactSecrets('key=p4ssw0rd%21&', ['p4ssw0rd!'])).toBe(`key=${R}&`);
    expect(redactSecrets('xxabcdefghyy', ['abcdefgh'])).toBe(`xx${R}yy`);
  });

  it('replaces the longest short form first, so no piece of a longer echo is left beside the marker', () => {
    // the JSON form `abcdefg\\` holds the value `abcdefg\` whole
    expect(redactSecrets('"abcdefg\\\\"', ['abcdefg\\'])).toBe(`"${R}"`);
    expect(redactSecrets('"abcdefg\\\\"', new SecretSet(['abcdefg\\', 'zz']))).toBe(`"${R}"`);
  });

  it('matches a value shorter than 8 characters literally, regular-expression characters included', () => {
    expect(redactSecrets('key a+b. and ab. stay', ['a+b.'])).toBe(`key ${R} and ab. stay`);
    expect(redactSecrets('(x) x', ['(x)'])).toBe(`${R} x`);
  });
});

describe('the redactor, across a text', () => {
  const first = 'first-secret-0123456789';
  const second = 'second-secret-9876543210';

  it('redacts a secret at the very start of the text and another one later', () => {
    expect(redactSecrets(`${first} and then ${second}.`, [first, second])).toBe(`${R} and then ${R}.`);
  });

  it('makes one marker of secrets back to back', () => {
    expect(redactSecrets(`<${first}${second}>`, [first, second])).toBe(`<${R}>`);
    expect(redactSecrets('<abcdefghijklabcdefghijkl>', ['abcdefghijkl'])).toBe(`<${R}>`);
  });

  it('marks what it removed with [redacted], the word every output uses', async () => {
    // loaded afresh: the marker is a module constant, which a mutation run charges to no test otherwise
    vi.resetModules();
    const fresh = await import('../../src/redact.js');
    expect(fresh.redactSecrets(`a ${first} b`, [first])).toBe('a [redacted] b');
  });

  it('counts and lists the secrets it holds, each once; an empty set holds none and changes nothing', () => {
    const set = new SecretSet([first, second, first, '']);
    expect(set.size).toBe(2);
    expect([...set]).toEqual([first, second]);
    const empty = new SecretSet();
    expect(empty.size).toBe(0);
    expect([...empty]).toEqual([]);
    expect(empty.redact('nothing to hide')).toBe('nothing to hide');
  });
});
