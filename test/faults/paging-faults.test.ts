/**
 * Faults the CLI has no flag to provoke, driven through runOnce with a client built for them:
 * list pages of 100 (so paging faults land between pages) and a 500 ms body timeout (so a slow
 * body outlasts it; undici checks body timeouts on a clock of about half a second, so the gaps
 * between chunks are 1.5 s). Duplicate items across pages, a cursor that repeats, the listing
 * changing between pages, slow bodies. Each faulted run reports every failure; a prune on an
 * incomplete listing is refused before any write; a follow-up CLI sync converges.
 */
import { describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/index.js';
import { expectFailuresReported, runCli, syncJson } from './support/cli.js';
import { expectReportExplains, runDirect } from './support/direct.js';
import {
  clearFaults,
  createWorld,
  expectConverged,
  orphanIds,
  SYNC_FLAGS,
  setFaults,
  unintendedDeletes,
  type World,
} from './support/world.js';

const PAGE = { pageSize: 100 };

function writesSince(world: World, seq: number): number {
  return world.emulator.requestLog.filter((entry) => entry.seq > seq && entry.method !== 'GET').length;
}

function lastSeq(world: World): number {
  return world.emulator.requestLog.at(-1)?.seq ?? 0;
}

function duplicateNames(world: World): number {
  const names = world.emulator.store.list().map((record) => record.name);
  return names.length - new Set(names).size;
}

async function followUpConverges(world: World, orphans: Set<string>, slug: string): Promise<void> {
  clearFaults(world);
  const sync = ['sync', ...SYNC_FLAGS, '--output', 'json', world.connectorsDir];
  const run = await runCli(world, sync, `${slug}.follow-up`);
  const report = syncJson(run);
  expectFailuresReported(run, report);
  expect(report.ok, `follow-up ended in ${report.phase}`).toBe(true);
  expectConverged(world);
  expect(unintendedDeletes(world, orphans)).toEqual([]);
}

describe.each<{ name: string; slug: string; rule: FaultRule }>([
  {
    name: 'duplicate items across pages',
    slug: 'duplicate-items',
    rule: { kind: 'duplicate_items', count: 1 },
  },
  { name: 'a cursor that repeats', slug: 'repeat-cursor', rule: { kind: 'repeat_cursor', count: 1 } },
])('$name', ({ slug, rule }) => {
  it('refuses to prune on the incomplete listing, writes without duplicates, and converges after', async () => {
    // orphans on the first page: the partial listing plans their deletes, which must be refused
    const world = await createWorld({ orphansFirst: true });
    try {
      const orphans = orphanIds(world);
      setFaults(world, { rules: [rule] });
      const before = lastSeq(world);
      const refused = await runDirect(world, `${slug}.prune`, PAGE);
      expectReportExplains(refused);
      expect(refused.listing?.complete).toBe(false);
      expect(refused.phase).toBe('PlanRefused');
      expect(refused.plan?.refusals.map((r) => r.code)).toContain('listing-incomplete');
      expect(writesSince(world, before), 'a refused plan wrote').toBe(0);

      // without --prune the plan runs on what was listed: connectors on unread pages are created
      // again by name, which must converge on the existing ones, never duplicate them
      setFaults(world, { rules: [rule] });
      const partial = await runDirect(world, `${slug}.no-prune`, { ...PAGE, plan: { prune: false } });
      expectReportExplains(partial);
      expect(partial.listing?.complete).toBe(false);
      expect(duplicateNames(world)).toBe(0);

      await followUpConverges(world, orphans, slug);
    } finally {
      await world.close();
    }
  });
});

describe('the listing changing between pages', () => {
  it('plans on a consistent listing, recreates what another writer deleted, and converges', async () => {
    const world = await createWorld();
    try {
      const orphans = orphanIds(world);
      const churned = () => world.emulator.store.list().filter((r) => r.name.startsWith('churn-')).length;
      setFaults(world, { rules: [{ kind: 'shift_listing', count: 3 }] });
      const faulted = await runDirect(world, 'shift-listing.faulted', PAGE);
      expectReportExplains(faulted);
      expect(faulted.listing?.complete).toBe(true);
      const created = churned();
      expect(created, 'the listing never changed').toBeGreaterThan(0);
      await followUpConverges(world, orphans, 'shift-listing');
      // another writer's connectors (churn-*) are out of scope: left alone
      expect(churned()).toBe(created);
    } finally {
      await world.close();
    }
  });
});

describe('slow bodies past the client timeout', () => {
  it('reports the timeouts it could not retry, never duplicates a create, and converges after', async () => {
    const world = await createWorld();
    try {
      const orphans = orphanIds(world);
      setFaults(world, {
        rules: [{ kind: 'slow_body', rate: 0.1, chunkDelayMs: 1_500, chunkBytes: 64 }],
      });
      const faulted = await runDirect(world, 'slow-body.faulted', {
        ...PAGE,
        timeouts: { bodyMs: 500, headersMs: 5_000 },
      });
      expectReportExplains(faulted);
      expect(world.emulator.stats.faultsInjected).toBeGreaterThan(0);
      expect(duplicateNames(world)).toBe(0);
      await followUpConverges(world, orphans, 'slow-body');
    } finally {
      await world.close();
    }
  });
});
