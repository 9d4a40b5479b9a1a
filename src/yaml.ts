import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { loadBundled } from './vendor.js';

const require = createRequire(import.meta.url);

/**
 * The yaml library, bundled by the build (70-odd modules as a package). yaml tells its node
 * kinds by `Symbol.for` keys, so documents of either copy are read alike.
 */
export const yaml: typeof Yaml = loadBundled(new URL('./yaml.generated.cjs', import.meta.url), () =>
  require('yaml'),
);
