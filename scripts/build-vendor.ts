/**
 * Bundles the yaml library into one file beside the compiled CLI (run by `npm run build` after
 * tsc): src/yaml.ts loads it instead of the package's 70-odd modules, each resolved and read
 * before a sync's first API call.
 *
 *   node scripts/build-vendor.ts            writes dist/yaml.generated.cjs
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = (await import('node:module')).createRequire(import.meta.url);

await build({
  entryPoints: [require.resolve('yaml')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  outfile: join(ROOT, 'dist', 'yaml.generated.cjs'),
  logLevel: 'warning',
  legalComments: 'inline',
});
