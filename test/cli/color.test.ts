/**
 * Colour, the same way in every command: NO_COLOR, FORCE_COLOR (0 too), --no-color and TERM=dumb,
 * decided in one place (wantsColor) for the stream the text goes to.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliWorld, openCliWorld } from './harness.js';

let world: CliWorld;

beforeAll(async () => {
  world = await openCliWorld([
    {
      name: 'drive',
      description: 'Drive',
      server: 'https://drive.example.com/mcp',
      auth_data: { client_id: 'c' },
    },
  ]);
  await mkdir(join(world.cwd, 'connectors'));
  await writeFile(
    join(world.cwd, 'connectors', 'a.yaml'),
    'connectors:\n  - name: alpha\n    description: Alpha\n    server: https://alpha.example.com/mcp\n',
  );
});

afterAll(async () => {
  await world.close();
});

// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence is what is looked for
const ESCAPE = /\u001b\[/;
const UNSET = { NO_COLOR: undefined, FORCE_COLOR: undefined, TERM: undefined };

describe.each([
  ['sync', ['sync', '--dry-run']],
  ['auth', ['auth']],
])('colour of %s', (_name, args) => {
  test('on a terminal: colour', async () => {
    const run = await world.run(args, UNSET, { stdoutIsTTY: true });
    expect(run.stdout).toMatch(ESCAPE);
  });

  test.each([
    ['NO_COLOR=1', { NO_COLOR: '1' }, []],
    ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, []],
    ['TERM=dumb', { TERM: 'dumb' }, []],
    ['--no-color', {}, ['--no-color']],
  ])('on a terminal with %s: none', async (_what, env, flags) => {
    const run = await world.run([...args, ...flags], { ...UNSET, ...env }, { stdoutIsTTY: true });
    expect(run.stdout).not.toMatch(ESCAPE);
    expect(run.stdout.length).toBeGreaterThan(0);
  });

  test('in a log: none, unless FORCE_COLOR asks for it; --no-color wins over FORCE_COLOR', async () => {
    expect((await world.run(args, UNSET)).stdout).not.toMatch(ESCAPE);
    expect((await world.run(args, { ...UNSET, FORCE_COLOR: '1' })).stdout).toMatch(ESCAPE);
    expect((await world.run([...args, '--no-color'], { ...UNSET, FORCE_COLOR: '1' })).stdout).not.toMatch(
      ESCAPE,
    );
  });
});
