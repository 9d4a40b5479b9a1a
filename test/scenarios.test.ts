/**
 * End-to-end scenarios of `connector-sync sync` against the emulator, as data: each folder of
 * test/scenarios/ (see its README.md) holds the remote state, the desired files, the environment
 * (with canary secrets) and the steps with what each must show. This runner has no code for any
 * particular scenario: it lays out the world, runs the steps in order, and asserts.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { checkStep } from './support/scenario-check.js';
import { readScenario } from './support/scenario-spec.js';
import { openWorld, runStep } from './support/scenario-world.js';

/** SCENARIO_DEBUG=1 prints what each step showed (the runner asserts either way). */
const DEBUG = process.env.SCENARIO_DEBUG === '1';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

const names = (await readdir(ROOT, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory() && /^\d{3}-/.test(entry.name))
  .map((entry) => entry.name)
  .sort();

describe('sync scenarios', () => {
  test('there are scenarios to run', () => {
    expect(names.length).toBeGreaterThanOrEqual(28);
  });

  test.each(names)('%s', async (name) => {
    const scenario = await readScenario(join(ROOT, name), name);
    const world = await openWorld(scenario);
    try {
      for (const [index, step] of scenario.steps.entries()) {
        const label = `${name} step ${index + 1}${step.name ? ` (${step.name})` : ''}`;
        const outcome = await runStep(world, step);
        if (DEBUG) console.log(`${label}: exit ${outcome.exit}\n${outcome.stdout}${outcome.stderr}`);
        await checkStep(world, step, outcome, label);
      }
    } finally {
      await world.close();
    }
  });
});
