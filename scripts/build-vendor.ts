/**
 * Bundles libraries into one file each beside the compiled CLI (run by `npm run build` after
 * tsc): src/vendor.ts loads the bundle instead of the package's dozens of modules, each resolved
 * and read before a sync's first API call.
 *
 *   node scripts/build-vendor.ts     writes dist/yaml.generated.cjs and dist/api/undici.generated.cjs
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  logLevel: 'warning',
  legalComments: 'inline',
} as const;

await build({
  ...common,
  entryPoints: [require.resolve('yaml')],
  outfile: join(ROOT, 'dist', 'yaml.generated.cjs'),
});
// the parts of undici src/api/undici.ts uses, sharing one copy of undici's core
await build({
  ...common,
  stdin: {
    contents: `module.exports = {
      Agent: require('undici/lib/dispatcher/agent.js'),
      request: require('undici/lib/api/api-request.js'),
      buildConnector: require('undici/lib/core/connect.js'),
    };`,
    resolveDir: ROOT,
    loader: 'js',
  },
  outfile: join(ROOT, 'dist', 'api', 'undici.generated.cjs'),
});
