import { ConnectorSyncError } from '../errors.js';
import type { InvalidRemoteItem } from './types.js';

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
  /** Items set aside because they break the API's schema. */
  invalid?: InvalidRemoteItem[];
}

/** Everything a cursor-paged listing found, and whether it is provably all of it. */
export interface CursorListing<T> {
  items: T[];
  complete: boolean;
  incompleteReason?: string;
  pages: number;
  /** Items of the pages read that broke the API's schema (only when there were some). */
  invalid?: InvalidRemoteItem[];
}

/** What a page fetch may use to let the listing ask for the next page early. */
export interface EarlyPage {
  /** Aborted when the listing no longer wants this page (it ended, or the cursor was not the one). */
  signal: AbortSignal;
  /**
   * The next cursor as read from the raw body, before the page is parsed; the parsed page
   * decides. Returns true when it sent the request for that page.
   */
  nextCursor(cursor: string): boolean;
}

/** Fetches the page after `cursor` (the first page for null). */
export type FetchCursorPage<T> = (cursor: string | null, early: EarlyPage) => Promise<CursorPage<T>>;

interface PageFetch<T> {
  cursor: string | null;
  page: Promise<CursorPage<T>>;
  abort: AbortController;
  /** The next cursor the body announced, once it arrived. */
  announced: string | null;
}

/**
 * Follows `next_cursor` until it is null, whatever each page's size; never loops. While a page
 * is parsed and checked, the next one is already on the wire when its body announced the cursor
 * (early-cursor.ts). The parsed page still decides: a request for any other cursor is aborted
 * and the right one sent, so a body that misleads the early read costs a request, never a wrong page.
 */
export async function collectCursorPages<T>(
  fetchPage: FetchCursorPage<T>,
  keyOf: (item: T) => string,
  maxPages: number,
): Promise<CursorListing<T>> {
  const items: T[] = [];
  const invalid: InvalidRemoteItem[] = [];
  const seenKeys = new Set<string>();
  const seenCursors = new Set<string>();
  let started = 0;
  let current: PageFetch<T> | null = null;
  let next: PageFetch<T> | null = null;
  // asks for the page after `from` once `from` is the page being read and its body named a new cursor
  const prefetch = (from: PageFetch<T>): boolean => {
    const cursor = from.announced;
    if (cursor === null || next !== null || current !== from || started >= maxPages) return false;
    if (cursor === from.cursor || seenCursors.has(cursor)) return false;
    next = start(cursor);
    return true;
  };
  const takeNext = (): PageFetch<T> | null => {
    const taken = next;
    next = null;
    return taken;
  };
  const start = (cursor: string | null): PageFetch<T> => {
    started += 1;
    const fetch = { cursor, abort: new AbortController(), announced: null } as PageFetch<T>;
    fetch.page = fetchPage(cursor, {
      signal: fetch.abort.signal,
      nextCursor: (announced) => {
        fetch.announced = announced;
        return prefetch(fetch);
      },
    });
    // awaited once it is the current page; a dropped early fetch must not reject unhandled
    fetch.page.catch(() => {});
    return fetch;
  };
  current = start(null);
  let pages = 0;
  try {
    for (;;) {
      // its body may have named the next cursor already, while the page before was read
      prefetch(current);
      const page: CursorPage<T> = await current.page;
      pages += 1;
      if (page.invalid) invalid.push(...page.invalid);
      for (const item of page.items) {
        const key = keyOf(item);
        if (seenKeys.has(key)) {
          return incomplete(
            { items, invalid },
            pages,
            `page ${pages} repeated ${key} from an earlier page (the list changed while it was read, or the API repeats pages)`,
          );
        }
        seenKeys.add(key);
        items.push(item);
      }
      if (page.nextCursor === null) return { ...found({ items, invalid }), complete: true, pages };
      if (seenCursors.has(page.nextCursor)) {
        return incomplete(
          { items, invalid },
          pages,
          `page ${pages} returned a cursor the API had already returned (it would loop)`,
        );
      }
      seenCursors.add(page.nextCursor);
      if (pages >= maxPages) {
        return incomplete(
          { items, invalid },
          pages,
          `stopped after ${pages} pages (the page limit) while the API still returned a next cursor`,
        );
      }
      const early = takeNext();
      if (early !== null && early.cursor === page.nextCursor) current = early;
      else {
        early?.abort.abort();
        current = start(page.nextCursor);
      }
    }
  } finally {
    takeNext()?.abort.abort();
  }
}

function incomplete<T>(
  seen: { items: T[]; invalid: InvalidRemoteItem[] },
  pages: number,
  reason: string,
): CursorListing<T> {
  return { ...found(seen), complete: false, incompleteReason: reason, pages };
}

function found<T>({ items, invalid }: { items: T[]; invalid: InvalidRemoteItem[] }) {
  return invalid.length > 0 ? { items, invalid } : { items };
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
