/**
 * Emulator faults during a sync of 500 connectors, through the real CLI: 429 storms (a
 * per-second limit hammered by concurrent writes), 20% of
 * answers 5xx, dropped connections (before the request is handled, and after the write was
 * done with the answer lost). Each faulted run reports every failure with its cause; a follow-up
 * run converges, deletes nothing but the orphans, and leaves nothing to do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaultSettings } from '../../src/emulator/index.js';
import { recordOutput } from './support/canary.js';
import { expectFailuresReported, runCli, syncJson } from './support/cli.js';
import {
  clearFaults,
  createWorld,
  expectConverged,
  orphanIds,
  SYNC_FLAGS,
  setFaults,
  unintendedDeletes,
} from './support/world.js';

const CASES: Array<{ name: string; slug: string; faults: Partial<FaultSettings> }> = [
  {
    // 16 writes in flight at 1 ms hammer a 100/s limit (the storm decK and kong-operator met)
    name: '429 storms',
    slug: 'rate-limit-storm',
    faults: { rateLimitPerSecond: 100 },
  },
  { name: '20% 5xx', slug: 'server-errors', faults: { errorRate: 0.2 } },
  {
    name: 'dropped connections',
    slug: 'dropped-connections',
    faults: {
      rules: [
        { kind: 'drop', rate: 0.05, phase: 'before' },
        { kind: 'drop', rate: 0.05, phase: 'after' },
      ],
    },
  },
];

describe.each(CASES)('$name during a sync of 500 connectors (CLI)', ({ slug, faults }) => {
  it('reports every failure; a follow-up sync converges and deletes only the orphans', async () => {
    const world = await createWorld();
    try {
      const orphans = orphanIds(world);
      const sync = ['sync', ...SYNC_FLAGS, '--output', 'json', world.connectorsDir];
      setFaults(world, faults);
      const faulted = await runCli(world, sync, `${slug}.faulted`);
      expectFailuresReported(faulted, syncJson(faulted));
      const { faultsInjected, rateLimited } = world.emulator.stats;
      expect(faultsInjected + rateLimited, 'the fault never fired').toBeGreaterThan(0);

      clearFaults(world);
      const followUp = await runCli(world, sync, `${slug}.follow-up`);
      const report = syncJson(followUp);
      expectFailuresReported(followUp, report);
      expect(report.ok, `follow-up ended in ${report.phase}`).toBe(true);
      expectConverged(world);
      expect(unintendedDeletes(world, orphans)).toEqual([]);

      // nothing left to do; the saved plan and the Markdown summary join the canary scan
      const planFile = join(world.root, 'plan.json');
      const check = await runCli(
        world,
        ['sync', '--dry-run', '--detailed-exitcode', '--output', 'markdown', '--plan-out', planFile].concat(
          SYNC_FLAGS,
          world.connectorsDir,
        ),
        `${slug}.check`,
      );
      expect(check.exitCode, `changes still pending:\n${check.stdout.slice(0, 2000)}`).toBe(0);
      recordOutput(`${slug}.plan-file`, readFileSync(planFile, 'utf8'));
    } finally {
      await world.close();
    }
  });
});
