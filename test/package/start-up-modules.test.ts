/**
 * What a sync loads before its first API call is start-up time on every CI run: the modules of
 * other commands (the daemon, the emulator, the MCP prober), of other output formats and libraries
 * only a later step needs must wait until that step. Runs the built CLI (`npm run build` first)
 * against the emulator, with a probe that lists the modules loaded when the first request leaves.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { runProbedCli } from '../support/probed-cli.js';

// registered in the child before the CLI: every module it loads, listed when the first request is made
const PROBE = `
import { registerHooks } from 'node:module';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
const loaded = [];
registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
let written = false;
subscribe('undici:request:create', () => {
  if (written) return;
  written = true;
  writeFileSync(process.env.MODULES_OUT, JSON.stringify(loaded));
});
`;

/** Module URLs a sync of a few valid files must not have loaded before its first request. */
const NOT_BEFORE_THE_FIRST_REQUEST: Array<[string, RegExp]> = [
  ['the MCP SDK (probe)', /node_modules\/@modelcontextprotocol\//],
  ['prom-client (daemon metrics)', /node_modules\/prom-client\//],
  ['pino (daemon logs)', /node_modules\/pino/],
  ['chokidar (daemon file watch)', /node_modules\/chokidar\//],
  ['croner (daemon schedule)', /node_modules\/croner\//],
  ['the daemon', /\/dist\/daemon\//],
  ['the emulator (not --emulator)', /\/dist\/emulator\//],
  ['the MCP prober', /\/dist\/probe\/(?!lock|digest)/],
  ['the diff library (text diffs of the report)', /node_modules\/diff\//],
  ['the yaml package modules one by one (the build bundles them)', /node_modules\/yaml\//],
  ['the Markdown renderer (-o markdown, CI summaries)', /\/dist\/render\/markdown\.js$/],
  ['the JSON writer (-o json)', /\/dist\/render\/json-stream\.js$/],
];

describe('sync before its first API call', () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'start-up-modules-'));
    for (const name of ['alpha', 'beta', 'gamma'])
      await writeFile(
        join(dir, `${name}.yaml`),
        `name: ${name}\ndescription: ${name} docs\nserver: https://mcp.example.com/${name}/mcp\nvisibility: shared_workspace\nsystem_prompt: |\n  Use ${name}.\n  Twice.\n`,
      );
  });
  afterAll(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('has loaded none of the modules only other commands, formats or later steps need', async () => {
    const out = join(dir, 'modules.json');
    await runProbedCli(dir, PROBE, ['sync', dir, '--state-dir', join(dir, 'state')], {
      MISTRAL_API_KEY: 'test-key',
      MISTRAL_API_URL: emulator.url,
      MODULES_OUT: out,
    });
    const loaded = JSON.parse(await readFile(out, 'utf8')) as string[];
    expect(loaded.some((url) => url.endsWith('/dist/cli/sync-run.js'))).toBe(true);
    const early = NOT_BEFORE_THE_FIRST_REQUEST.flatMap(([what, pattern]) => {
      const found = loaded.filter((url) => pattern.test(url));
      return found.length > 0 ? [`${what}: ${found.length} module(s), e.g. ${found[0]}`] : [];
    });
    expect(early).toEqual([]);
  }, 30_000);
});
