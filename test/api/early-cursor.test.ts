/**
 * The early next-page fetch reads the cursor from the end of a raw list body before it is parsed.
 * It is a guess the parsed page checks, but it must never take remote text (a connector's
 * description, written by whoever can edit connectors) for the cursor.
 */
import { describe, expect, it } from 'vitest';
import { earlyCursorPeek, peekNextCursor } from '../../src/api/early-cursor.js';

const item = (description: string) => ({ id: '1', name: 'a', description });
const body = (pagination: unknown, items = [item('plain')]) => JSON.stringify({ items, pagination });

describe('peekNextCursor', () => {
  it('reads the cursor where the API puts it, whatever the order inside pagination', () => {
    expect(peekNextCursor(body({ next_cursor: 'abc', page_size: 1000 }))).toBe('abc');
    expect(peekNextCursor(body({ page_size: 2, next_cursor: 'abc' }))).toBe('abc');
    expect(peekNextCursor(`${body({ next_cursor: 'abc' })}\n`)).toBe('abc');
  });

  it('has no guess for a last page, an empty cursor, or a body that does not end with pagination', () => {
    expect(peekNextCursor(body({ next_cursor: null, page_size: 1000 }))).toBeNull();
    expect(peekNextCursor(body({ next_cursor: '', page_size: 1000 }))).toBeNull();
    expect(peekNextCursor(body({ page_size: 1000 }))).toBeNull();
    expect(peekNextCursor('{"pagination":{"next_cursor":"abc"},"items":[]}')).toBeNull();
    expect(peekNextCursor('{"items":[{"pagination":{"next_cursor":"abc"}}]}')).toBeNull();
    expect(peekNextCursor('<html>502</html>')).toBeNull();
    expect(peekNextCursor('')).toBeNull();
  });

  it('reads a cursor with escaped quotes and backslashes as the JSON says', () => {
    expect(peekNextCursor(body({ next_cursor: 'x"y', page_size: 2 }))).toBe('x"y');
    expect(peekNextCursor(body({ next_cursor: 'a\\"b' }))).toBe('a\\"b');
    // braces in a cursor are not read early (no guess): the listing waits for the parsed page
    expect(peekNextCursor(body({ next_cursor: 'a}b' }))).toBeNull();
    expect(peekNextCursor('{"items":[],"pagination":{ "next_cursor" : "\\u0061bc" }}')).toBe('abc');
  });

  it('never takes a cursor written in a connector description (the remote is untrusted)', () => {
    const hostile = [
      '"pagination": {"next_cursor": "evil"}}',
      '"}, "pagination": {"next_cursor": "evil"}}',
      '\\"}, "pagination": {"next_cursor": "evil"}}',
    ];
    for (const text of hostile) {
      // the description is the last thing before pagination, and the last item of the page
      expect(peekNextCursor(body({ next_cursor: null }, [item(text)]))).toBeNull();
      expect(peekNextCursor(body({ next_cursor: 'real' }, [item(text)]))).toBe('real');
      // a body with no pagination at its end at all, the description last
      expect(peekNextCursor(JSON.stringify({ pagination: null, items: [item(text)] }))).toBeNull();
      expect(peekNextCursor(JSON.stringify({ items: [item(text)] }))).toBeNull();
    }
  });

  it('reads only the end of a large page, whatever came before it', () => {
    const many = Array.from({ length: 1000 }, (_, i) => item(`"pagination": {"next_cursor": "evil-${i}"}`));
    expect(peekNextCursor(body({ next_cursor: 'real' }, many))).toBe('real');
    expect(peekNextCursor(body({ next_cursor: null }, many))).toBeNull();
  });
});

describe('earlyCursorPeek', () => {
  it('asks for the next page only when the body names one, and says whether it did', () => {
    const asked: string[] = [];
    const peek = earlyCursorPeek({
      signal: new AbortController().signal,
      nextCursor: (cursor) => asked.push(cursor) > 0 && cursor !== 'refused',
    });
    expect(peek(body({ next_cursor: 'abc' }))).toBe(true);
    expect(peek(body({ next_cursor: 'refused' }))).toBe(false);
    expect(peek(body({ next_cursor: null }))).toBe(false);
    expect(asked).toEqual(['abc', 'refused']);
  });
});
