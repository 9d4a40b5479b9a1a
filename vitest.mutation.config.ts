import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests `npm run test:mutation` runs against each mutant: those that exercise the mutated
 * modules (see stryker.config.mjs). The browser test, the daemon soak and the suites that spawn
 * the built CLI run dist/ or cover none of those modules, so they could only slow every mutant.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/reconcile/**/*.test.ts',
      'test/config/**/*.test.ts',
      'test/mutation/**/*.test.ts',
      'test/scenarios.test.ts',
      'test/cli/**/*.test.ts',
      'test/api/error-body.test.ts',
      'test/api/client-faults.test.ts',
      'test/api/loopback.test.ts',
      'test/daemon/control.test.ts',
      'test/daemon/status.test.ts',
    ],
  },
});
