#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm run build`, run by `prepare`).
import { nodeVersionProblem } from './node-version.js';

// first, before anything that needs Node 24 is imported (node:module's enableCompileCache is)
const versionProblem = nodeVersionProblem(process.version);
if (versionProblem) {
  process.stderr.write(`${versionProblem}\n`);
  process.exit(1);
}
const { enableCompileCache } = await import('node:module');
const { homedir } = await import('node:os');
const { join } = await import('node:path');
const v8 = await import('node:v8');

// set before the CLI is imported, which a static import would run first (see v8-flags.js)
const { holdYoungGeneration, v8FlagsFor } = await import('./v8-flags.js');
const command = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
for (const flag of v8FlagsFor(command)) v8.setFlagsFromString(flag);
holdYoungGeneration(command, v8);
// V8's compiled code of the CLI is kept between runs: each run otherwise compiles its code
// afresh, 40-50 ms of a 1,000-connector sync spent before the first write. The folder is the
// user's own cache ($XDG_CACHE_HOME or ~/.cache), not Node's default in the shared temp folder,
// where another local user could leave code for this one to run. Node ignores a folder it
// cannot write; NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
const cacheHome = process.env.XDG_CACHE_HOME || join(process.env.HOME || homedir(), '.cache');
enableCompileCache(join(cacheHome, 'connector-sync', 'compile-cache'));
// imported only now: a static import would run the whole CLI before the flags are set
const { main } = await import('../dist/cli/main.js');

main(process.argv.slice(2));
