import type { EarlyPage } from './paging.js';

/**
 * The early next-page fetch. A Connectors list page names its successor only in its body, so a
 * listing would otherwise wait for each page to be parsed and checked before it asks for the next
 * one, and that wait repeats on every page of a large workspace. The API writes
 * `"pagination": {"next_cursor": ..., "page_size": ...}` as the last member of the body, so the
 * cursor can be read from the raw text's end before parsing starts and the next request sent at
 * once. It is only a guess: the parsed page decides (collectCursorPages aborts a request for any
 * other cursor and sends the right one), and only the body's own last member is read, so text in
 * a connector's description, which the JSON encoding quotes, is never taken for the cursor.
 */

/** A transport `peek` for a list page: asks for the next page as soon as the raw body names it. */
export function earlyCursorPeek(early: EarlyPage): (text: string) => boolean {
  return (text) => {
    const next = peekNextCursor(text);
    return next !== null && early.nextCursor(next);
  };
}

/**
 * The next cursor of a Connectors list page, read from the end of its raw JSON; null when the
 * body does not end with a `pagination` object or names no next page.
 */
export function peekNextCursor(text: string): string | null {
  const match = PAGINATION_AT_END.exec(text.length > TAIL ? text.slice(-TAIL) : text);
  if (match === null) return null;
  try {
    const pagination: unknown = JSON.parse(match[1]!);
    const cursor = (pagination as { next_cursor?: unknown } | null)?.next_cursor;
    return typeof cursor === 'string' && cursor !== '' ? cursor : null;
  } catch {
    return null;
  }
}

/** How much of the body's end is searched: pagination is small, a page is up to megabytes. */
const TAIL = 2048;

/**
 * `"pagination": {...}` as the last member of the outermost object (a flat object: no braces
 * inside). Inside a JSON string every `"` is escaped, so a quoted `"pagination"` is structure.
 */
const PAGINATION_AT_END = /"pagination"\s*:\s*(\{[^{}]*\})\s*\}\s*$/;
