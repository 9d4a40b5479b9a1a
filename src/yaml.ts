import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

/*
 * The yaml library as one file: `npm run build` bundles it into dist/yaml.generated.cjs
 * (scripts/build-vendor.ts). Its package is 70-odd modules, and a process resolves and loads each
 * before its first API call (bench/README.md has the cost). Without the bundle (the tests run
 * src/, or a build that skipped the step) the package itself is loaded: slower to start, never broken.
 * yaml tells its node kinds by `Symbol.for` keys, so documents of either copy are read alike.
 */
const require = createRequire(import.meta.url);

function loadYaml(): typeof Yaml {
  try {
    return require('./yaml.generated.cjs') as typeof Yaml;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    return require('yaml') as typeof Yaml;
  }
}

export const yaml: typeof Yaml = loadYaml();
