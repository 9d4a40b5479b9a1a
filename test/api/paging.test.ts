/**
 * The listing asks for the next page while it parses the current one, from the cursor the raw
 * body announces; the parsed page decides. These tests drive collectCursorPages with a fake
 * fetch whose pages resolve when the test says, so the order of requests is what is asserted.
 */
import { describe, expect, it } from 'vitest';
import { collectCursorPages, type EarlyPage } from '../../src/api/paging.js';

interface Served {
  cursor: string | null;
  early: EarlyPage;
  resolve: () => void;
}

/** A fake API of `pages` (item names per page, cursor to the next) whose answers the test releases. */
function fakePages(pages: Array<{ items: string[]; next: string | null; announce?: string | null }>) {
  const served: Served[] = [];
  const fetchPage = (cursor: string | null, early: EarlyPage) =>
    new Promise<{ items: string[]; nextCursor: string | null }>((resolve) => {
      const index = cursor === null ? 0 : Number(cursor.slice(1));
      const page = pages[index]!;
      served.push({
        cursor,
        early,
        resolve: () => {
          // the body arrives: the transport shows it to peek, then it is parsed
          const announced = page.announce === undefined ? page.next : page.announce;
          if (announced !== null) early.nextCursor(announced);
          resolve({ items: page.items, nextCursor: page.next });
        },
      });
    });
  return { served, fetchPage };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('collectCursorPages', () => {
  it('asks for the next page as soon as a body announces its cursor, one request per page', async () => {
    const { served, fetchPage } = fakePages([
      { items: ['a', 'b'], next: 'p1' },
      { items: ['c', 'd'], next: 'p2' },
      { items: ['e'], next: null },
    ]);
    const listing = collectCursorPages(fetchPage, (item) => item, 100);
    await tick();
    expect(served.map((s) => s.cursor)).toEqual([null]);
    served[0]!.resolve();
    // page 2 went out before page 1 was even taken apart
    expect(served.map((s) => s.cursor)).toEqual([null, 'p1']);
    await tick();
    served[1]!.resolve();
    expect(served.map((s) => s.cursor)).toEqual([null, 'p1', 'p2']);
    await tick();
    served[2]!.resolve();
    expect(await listing).toEqual({ items: ['a', 'b', 'c', 'd', 'e'], complete: true, pages: 3 });
    expect(served).toHaveLength(3);
    expect(served.some((s) => s.early.signal.aborted)).toBe(false);
  });

  it('drops an early request when the parsed page names another cursor, and asks for the right one', async () => {
    const { served, fetchPage } = fakePages([
      { items: ['a'], next: 'p1', announce: 'p2' },
      { items: ['b'], next: 'p2' },
      { items: ['c'], next: null },
    ]);
    const listing = collectCursorPages(fetchPage, (item) => item, 100);
    await tick();
    served[0]!.resolve();
    expect(served.map((s) => s.cursor)).toEqual([null, 'p2']);
    await tick();
    expect(served[1]!.early.signal.aborted).toBe(true);
    expect(served[2]!.cursor).toBe('p1');
    served[2]!.resolve();
    await tick();
    served.at(-1)!.resolve();
    expect(await listing).toEqual({ items: ['a', 'b', 'c'], complete: true, pages: 3 });
  });

  it('aborts the early request when the listing stops (an item served twice)', async () => {
    const { served, fetchPage } = fakePages([
      { items: ['a'], next: 'p1' },
      { items: ['a'], next: 'p2' },
      { items: ['b'], next: null },
    ]);
    const listing = collectCursorPages(fetchPage, (item) => item, 100);
    await tick();
    served[0]!.resolve();
    await tick();
    served[1]!.resolve();
    const result = await listing;
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toMatch(/page 2 repeated a/);
    expect(served[2]!.cursor).toBe('p2');
    expect(served[2]!.early.signal.aborted).toBe(true);
  });

  it('never asks early for a cursor already seen, nor past the page limit', async () => {
    const looping = fakePages([
      { items: ['a'], next: 'p1' },
      { items: ['b'], next: 'p1' },
    ]);
    const listing = collectCursorPages(looping.fetchPage, (item) => item, 100);
    await tick();
    looping.served[0]!.resolve();
    await tick();
    looping.served[1]!.resolve();
    expect((await listing).incompleteReason).toMatch(/cursor the API had already returned/);
    expect(looping.served.map((s) => s.cursor)).toEqual([null, 'p1']);

    const long = fakePages([
      { items: ['a'], next: 'p1' },
      { items: ['b'], next: 'p2' },
      { items: ['c'], next: 'p3' },
    ]);
    const limited = collectCursorPages(long.fetchPage, (item) => item, 2);
    await tick();
    long.served[0]!.resolve();
    await tick();
    long.served[1]!.resolve();
    expect((await limited).incompleteReason).toMatch(/stopped after 2 pages/);
    expect(long.served).toHaveLength(2);
  });
});
