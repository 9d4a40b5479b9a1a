/** Cursor pagination: bounds, opaque cursors, stability under concurrent writes, 10,000 connectors. */
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { call, listAll, seedConnector, seedMany } from './helpers.js';

const running: RunningEmulator[] = [];

async function start(options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await startEmulator({ builtins: false, ...options });
  running.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

describe('page size and cursors', () => {
  it('defaults to 100 items a page and says so; next_cursor is null on the last page', async () => {
    const emulator = await start({ seed: seedMany(150) });
    const first = (await call(emulator, 'GET', '/v1/connectors')).json as {
      items: unknown[];
      pagination: { next_cursor: string | null; page_size: number };
    };
    expect(first.items).toHaveLength(100);
    expect(first.pagination.page_size).toBe(100);
    const last = (await call(emulator, 'GET', `/v1/connectors?cursor=${first.pagination.next_cursor}`))
      .json as {
      items: unknown[];
      pagination: { next_cursor: string | null };
    };
    expect(last.items).toHaveLength(50);
    expect(last.pagination.next_cursor).toBeNull();
  });

  it('ends with a null cursor when the last page is exactly full', async () => {
    const emulator = await start({ seed: seedMany(20) });
    const { names, pages } = await listAll(emulator, 10);
    expect(names).toHaveLength(20);
    expect(pages).toBe(2);
  });

  it('accepts 1 and 1000 and refuses 0, 1001 and a forged cursor with 422', async () => {
    const emulator = await start({ seed: seedMany(3) });
    expect((await call(emulator, 'GET', '/v1/connectors?page_size=1')).status).toBe(200);
    expect((await call(emulator, 'GET', '/v1/connectors?page_size=1000')).status).toBe(200);
    const zero = await call(emulator, 'GET', '/v1/connectors?page_size=0');
    expect(zero.json).toMatchObject({
      detail: [{ loc: ['query', 'page_size'], type: 'greater_than_equal' }],
    });
    const over = await call(emulator, 'GET', '/v1/connectors?page_size=1001');
    expect(over.json).toMatchObject({ detail: [{ loc: ['query', 'page_size'], type: 'less_than_equal' }] });
    const forged = await call(
      emulator,
      'GET',
      `/v1/connectors?cursor=${Buffer.from('42').toString('base64url')}`,
    );
    expect(forged.json).toMatchObject({ detail: [{ loc: ['query', 'cursor'] }] });
  });

  it('filters on active (plain and query_filters forms) across pages', async () => {
    const seed = seedMany(12).map((entry, index) => ({ ...entry, active: index % 3 !== 0 }));
    const emulator = await start({ seed });
    const active = seed.filter((entry) => entry.active).map((entry) => entry.name);
    const collect = async (filter: string) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${cursor}`;
        const page = (await call(emulator, 'GET', `/v1/connectors?page_size=3&${filter}${query}`)).json as {
          items: Array<{ name: string; active: boolean }>;
          pagination: { next_cursor: string | null };
        };
        names.push(...page.items.map((item) => item.name));
        cursor = page.pagination.next_cursor;
      } while (cursor !== null);
      return names;
    };
    expect(await collect('active=true')).toEqual(active);
    expect(await collect(`query_filters=${encodeURIComponent('{"active":true}')}`)).toEqual(active);
    expect(await collect('query_filters[active]=false')).toHaveLength(4);
  });
});

describe('stability under concurrent writes (keyset pagination)', () => {
  for (const clock of ['a moving clock', 'a frozen clock'] as const) {
    it(`lists what existed throughout exactly once, with ${clock}`, async () => {
      let time = Date.parse('2026-01-01T00:00:00Z');
      // a moving clock ticks on every reading, so no two writes share a creation time
      const now = clock === 'a frozen clock' ? () => time : () => (time += 1);
      const emulator = await start({ seed: seedMany(50), now });
      const deleted = new Set<string>();
      const inserted = new Set<string>();
      let counter = 0;
      const { names } = await listAll(emulator, 7, async (page) => {
        const records = emulator.store.list();
        // delete one already listed, one not yet listed, and the very item the cursor points at
        for (const index of [0, records.length - 1, Math.min(page * 7 - 1, records.length - 1)]) {
          const victim = records[index];
          if (!victim || deleted.has(victim.name)) continue;
          expect((await call(emulator, 'DELETE', `/v1/connectors/${victim.id}`)).status).toBe(200);
          deleted.add(victim.name);
        }
        for (let index = 0; index < 3; index += 1) {
          counter += 1;
          const name = `new-${counter}`;
          expect((await call(emulator, 'POST', '/v1/connectors', { body: seedConnector(name) })).status).toBe(
            201,
          );
          inserted.add(name);
        }
      });
      expect(new Set(names).size).toBe(names.length);
      const throughout = seedMany(50)
        .map((entry) => entry.name)
        .filter((name) => !deleted.has(name));
      expect(names.filter((name) => !inserted.has(name) && !deleted.has(name))).toEqual(throughout);
      if (clock === 'a moving clock') {
        // created after every existing key, so they come after the cursor and are all listed
        const survivors = [...inserted].filter((name) => !deleted.has(name));
        expect(names.filter((name) => inserted.has(name) && !deleted.has(name))).toEqual(survivors);
      }
    });
  }
});

describe('10,000 connectors', () => {
  it('pages through all of them at 1,000 a page, in creation order, in exactly 10 pages', async () => {
    const seed = seedMany(10_000);
    const emulator = await start({ seed });
    const { names, pages } = await listAll(emulator, 1000);
    expect(pages).toBe(10);
    expect(names).toEqual(seed.map((entry) => entry.name));
    expect(emulator.requestLog).toHaveLength(10);
  });
});
