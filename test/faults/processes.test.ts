/**
 * Real CLI processes racing and dying: two `sync` processes on the same desired state at once,
 * and a `sync` killed with SIGKILL in the middle of its apply, then run again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { expectFailuresReported, runCli, startCli, syncJson } from './support/cli.js';
import {
  createWorld,
  expectConverged,
  orphanIds,
  SYNC_FLAGS,
  unintendedDeletes,
  type World,
} from './support/world.js';

const creates = (world: World) =>
  world.emulator.requestLog.filter((entry) => entry.method === 'POST' && entry.status === 201).length;

describe('two sync processes on the same desired state at once', () => {
  it('both end, nothing is duplicated, and the remote equals the desired state', async () => {
    // 40 ms a request keeps each apply near a second long: two processes started together on a
    // busy or an idle runner are still both in flight (at 10 ms one could finish before the other listed)
    const world = await createWorld({ latencyMs: 40 });
    try {
      const orphans = orphanIds(world);
      const sync = ['sync', ...SYNC_FLAGS, '--output', 'json', world.connectorsDir];
      const first = startCli(world, sync, 'concurrent.first');
      const second = startCli(world, sync, 'concurrent.second');
      const runs = await Promise.all([first.done, second.done]);
      for (const run of runs) {
        expect(run.signal, 'a sync did not end by itself').toBeNull();
        const report = syncJson(run);
        expectFailuresReported(run, report);
        expect(report.ok, `a racing sync ended in ${report.phase}`).toBe(true);
      }
      // they raced: one met the names the other had just taken (409), or deletes already done (404)
      const collisions = world.emulator.requestLog.filter((e) => e.status === 409 || e.status === 404);
      expect(collisions.length, 'the two syncs did not overlap').toBeGreaterThan(0);
      expectConverged(world);
      expect(unintendedDeletes(world, orphans)).toEqual([]);
    } finally {
      await world.close();
    }
  });
});

describe('a sync killed with SIGKILL in the middle of its apply', () => {
  it('converges when run again, without duplicates', async () => {
    // 20 ms a request: 300 creates at 16 in flight take about 400 ms, time enough to land mid-apply
    const world = await createWorld({ latencyMs: 20 });
    try {
      const orphans = orphanIds(world);
      const sync = ['sync', ...SYNC_FLAGS, '--output', 'json', world.connectorsDir];
      const killed = startCli(world, sync, 'killed.first');
      const deadline = Date.now() + 30_000;
      while (creates(world) < 60 && Date.now() < deadline) await sleep(5);
      killed.child.kill('SIGKILL');
      const run = await killed.done;
      expect(run.signal).toBe('SIGKILL');
      const createdBeforeKill = creates(world);
      expect(createdBeforeKill, 'the kill did not land in the apply').toBeGreaterThanOrEqual(60);
      expect(createdBeforeKill, 'the apply had finished before the kill').toBeLessThan(300);

      world.emulator.setFaults({ latencyMs: 1 });
      const again = await runCli(world, sync, 'killed.again');
      const report = syncJson(again);
      expectFailuresReported(again, report);
      expect(report.ok, `the run after the kill ended in ${report.phase}`).toBe(true);
      expectConverged(world);
      expect(unintendedDeletes(world, orphans)).toEqual([]);
      const check = await runCli(
        world,
        ['sync', '--dry-run', '--detailed-exitcode', ...SYNC_FLAGS, world.connectorsDir],
        'killed.check',
      );
      expect(check.exitCode, `changes still pending:\n${check.stdout.slice(0, 2000)}`).toBe(0);
    } finally {
      await world.close();
    }
  });
});
