/**
 * `connector-sync diff --env A --env B`: exactly two environments, exit 0 equivalent, 1 differ,
 * 2 trouble (as diff(1)), and never a write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliWorld, openCliWorld } from './harness.js';

let world: CliWorld;
beforeAll(async () => {
  world = await openCliWorld();
});
afterAll(async () => {
  await world.close();
});

describe('diff usage', () => {
  it('wants exactly two different environments, else exit 2 and nothing read', async () => {
    for (const args of [
      [],
      ['--env', 'staging'],
      ['--env', 'a', '--env', 'b', '--env', 'c'],
      ['--env', 'prod', '--env', 'prod'],
      ['--env', 'all', '--env', 'prod'],
    ]) {
      const run = await world.run(['diff', '--offline', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/error: diff compares (exactly two|two different) environments/);
      expect(run.stderr).toContain('hint: ');
      expect(run.stdout).toBe('');
    }
    expect(world.emulator.requestLog).toEqual([]);
  });

  it('refuses an unknown output format as a usage error', async () => {
    const run = await world.run(['diff', '--env', 'a', '--env', 'b', '-o', 'yaml']);
    expect(run.code).toBe(2);
  });
});
