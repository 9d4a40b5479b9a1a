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
 * src/api/undici.ts loads two of undici's modules by path at run time (a faster start than its
 * index); there is no node_modules beside the bundle, so here they are imported statically.
 */
const undiciInside: Plugin = {
  name: 'undici-inside',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]src[\\/]api[\\/]undici\.ts$/ }, () => ({
      contents: [
        `export { default as Agent } from 'undici/lib/dispatcher/agent.js';`,
        `import requestOn from 'undici/lib/api/api-request.js';`,
        'export function request(dispatcher, options) { return requestOn.call(dispatcher, options); }',
      ].join('\n'),
      loader: 'js',
      resolveDir: ROOT,
    }));
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
    // undiciInside first: the first plugin that loads a file wins
    plugins: [undiciInside, ownUrl],
  });
  return result.outputFiles[0]!.text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await bundleText();
  await writeFile(BUNDLE, text);
  process.stdout.write(`${relative(ROOT, BUNDLE)}: ${(text.length / 1024).toFixed(0)} KiB\n`);
}
