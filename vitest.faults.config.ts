import { defineConfig } from 'vitest/config';

/**
 * The fault-tolerance suite (`npm run test:faults`): emulator faults, concurrent and killed
 * syncs, loader properties, the daemon soak and the secret canary scan. Kept out of `npm test`
 * because it spawns the compiled CLI and runs for minutes; globalSetup builds dist/ first.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/faults/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the scenarios start emulators and child processes: two files at once keep a 2-CPU runner busy enough
    maxWorkers: 2,
  },
});
