import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests `npm run test:mutation` runs against each mutant: the unit tests of the mutated modules
 * (see stryker.config.mjs). The end-to-end suites (scenarios, the CLI against the emulator, the
 * loopback client, the browser and soak tests) take seconds per run and each mutant would rerun
 * them: hours on two cores. So a mutant must be caught by a unit test, closest to its code.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/reconcile/**/*.test.ts',
      'test/config/**/*.test.ts',
      'test/mutation/**/*.test.ts',
      'test/api/error-body.test.ts',
      'test/api/redact.test.ts',
      'test/cli/api-url-trust.test.ts',
      'test/api/client-faults.test.ts',
      'test/api/pace.test.ts',
      'test/faults/pacer-timers.test.ts',
      'test/daemon/control.test.ts',
      'test/daemon/status.test.ts',
    ],
    // the fuzz test spends a second per run on inputs the loader's own tests already pin down
    exclude: [...(base.test?.exclude ?? []), 'test/config/fuzz.test.ts'],
  },
});
