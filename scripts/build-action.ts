/**
 * Builds the GitHub Action's bundle: one ESM file with every dependency inside, so the runner runs
 * it on its own Node 24 with no `npm ci`. test/action/bundle.test.ts rebuilds it and fails when
 * the committed file differs, so the bundle never drifts from src/.
 *
 *   node scripts/build-action.ts            writes dist-action/index.mjs
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist-action', 'index.mjs');

/**
 * A module of src/ finds its data files (schemas/, package.json) from its own URL. In the bundle
 * every module shares the bundle's URL, so each gets back the URL of its source file in the
 * action's checkout, where those data files are.
 */
const ownUrl: Plugin = {
  name: 'own-url',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(BUNDLE), args.path).split('\\').join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Some modules of src/ load a library at run time by path (src/vendor.ts: the build's one-file
 * bundles, else the package's modules; the diff library when first used): there is no
 * node_modules beside the action's bundle, so here each is imported statically instead.
 */
const REPLACED: Record<string, string[]> = {
  'api/undici.ts': [
    `export { default as Agent } from 'undici/lib/dispatcher/agent.js';`,
    `export { default as buildConnector } from 'undici/lib/core/connect.js';`,
    `import requestOn from 'undici/lib/api/api-request.js';`,
    'export function request(dispatcher, options) { return requestOn.call(dispatcher, options); }',
  ],
  'yaml.ts': [`import * as yaml from 'yaml';`, 'export { yaml };'],
};

const librariesInside: Plugin = {
  name: 'libraries-inside',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/](api[\\/]undici|yaml)\.ts$/ }, (args) => {
      const file = relative(join(ROOT, 'src'), args.path).split('\\').join('/');
      return { contents: REPLACED[file]!.join('\n'), loader: 'js', resolveDir: ROOT };
    });
    builder.onLoad({ filter: /[\\/]src[\\/]render[\\/]values\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const lazy = "require('diff/lib/patch/create.js')";
      if (!text.includes(lazy))
        throw new Error(`${args.path} no longer loads ${lazy}: update build-action.ts`);
      const contents = `import * as diffCreate from 'diff/lib/patch/create.js';\n${text.replace(lazy, 'diffCreate')}`;
      return { contents, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

/** The bundle's text, built from src/cli/action-entry.ts. */
export async function bundleText(): Promise<string> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'src', 'cli', 'action-entry.ts')],
    outfile: BUNDLE,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: false,
    legalComments: 'eof',
    logLevel: 'warning',
    // CommonJS dependencies call require(); an ES module has none unless it makes one
    banner: {
      js: `import { createRequire as __actionRequire } from 'node:module'; const require = __actionRequire(import.meta.url);`,
    },
    // librariesInside first: the first plugin that loads a file wins
    plugins: [librariesInside, ownUrl],
  });
  return result.outputFiles[0]!.text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await bundleText();
  await writeFile(BUNDLE, text);
  process.stdout.write(`${relative(ROOT, BUNDLE)}: ${(text.length / 1024).toFixed(0)} KiB\n`);
}
