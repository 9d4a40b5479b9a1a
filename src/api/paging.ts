import { ConnectorSyncError } from '../errors.js';

/**
 * Paging that proves it saw everything or says it did not. A listing that silently misses items
 * looks like "these connectors are gone" to prune, so every way paging can go wrong (a cursor
 * that repeats, a page count that runs away, an item served twice because the list shifted
 * under us) ends the listing marked incomplete instead of looping or pretending.
 */

/** One page of a cursor-paged list. */
export interface CursorPage<T> {
  items: T[];
  /** Null (or absent on the wire) on the last page. */
  nextCursor: string | null;
}

/** Everything a cursor-paged listing found, and whether it is provably all of it. */
export interface CursorListing<T> {
  items: T[];
  complete: boolean;
  incompleteReason?: string;
  pages: number;
}

/** Follows `next_cursor` until it is null, whatever each page's size; never loops. */
export async function collectCursorPages<T>(
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
  keyOf: (item: T) => string,
  maxPages: number,
): Promise<CursorListing<T>> {
  const items: T[] = [];
  const seenKeys = new Set<string>();
  const seenCursors = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    if (pages >= maxPages) {
      return incomplete(
        items,
        pages,
        `stopped after ${pages} pages (the page limit) while the API still returned a next cursor`,
      );
    }
    const page: CursorPage<T> = await fetchPage(cursor);
    pages += 1;
    for (const item of page.items) {
      const key = keyOf(item);
      if (seenKeys.has(key)) {
        return incomplete(
          items,
          pages,
          `page ${pages} repeated ${key} from an earlier page (the list changed while it was read, or the API repeats pages)`,
        );
      }
      seenKeys.add(key);
      items.push(item);
    }
    if (page.nextCursor === null) return { items, complete: true, pages };
    if (seenCursors.has(page.nextCursor)) {
      return incomplete(
        items,
        pages,
        `page ${pages} returned a cursor the API had already returned (it would loop)`,
      );
    }
    seenCursors.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

function incomplete<T>(items: T[], pages: number, reason: string): CursorListing<T> {
  return { items, complete: false, incompleteReason: reason, pages };
}

/**
 * Reads page-numbered pages (page 1, 2, ...) until one is shorter than asked or empty. A page
 * that repeats an item, or a page count past the limit, throws LISTING_INCOMPLETE: the caller
 * gets all of it or an error, never a silent part.
 */
export async function collectNumberedPages<T>(
  fetchPage: (page: number) => Promise<T[]>,
  keyOf: (item: T) => string,
  pageSize: number,
  maxPages: number,
  what: string,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  for (let page = 1; ; page++) {
    if (page > maxPages) {
      throw listingIncomplete(
        what,
        `stopped after ${maxPages} pages (the page limit) and every page was full`,
      );
    }
    const batch = await fetchPage(page);
    for (const item of batch) {
      const key = keyOf(item);
      if (seen.has(key)) {
        throw listingIncomplete(
          what,
          `page ${page} repeated ${key} from an earlier page (does the API ignore "page"?)`,
        );
      }
      seen.add(key);
      items.push(item);
    }
    if (batch.length < pageSize) return items;
  }
}

function listingIncomplete(what: string, reason: string): ConnectorSyncError {
  return new ConnectorSyncError('LISTING_INCOMPLETE', `could not list ${what} completely: ${reason}`, {
    retryable: true,
  });
}

/** Throws LISTING_INCOMPLETE unless the listing is provably complete (for callers that must not act on part of it). */
export function requireComplete<T>(listing: CursorListing<T>, what: string): CursorListing<T> {
  if (!listing.complete) {
    throw new ConnectorSyncError(
      'LISTING_INCOMPLETE',
      `could not list ${what} completely: ${listing.incompleteReason ?? 'unknown reason'}`,
      { retryable: true, hint: 'run again; if it persists, the API is serving inconsistent pages' },
    );
  }
  return listing;
}
