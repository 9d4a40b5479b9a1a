/**
 * Usage errors and help, for every command: a usage error exits 2 (64 with --detailed-exitcode,
 * where 2 means "changes"), says what is wrong, and makes no request; --help exits 0.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliWorld, openCliWorld } from './harness.js';

const COMMANDS = ['validate', 'sync', 'auth', 'export', 'emulator', 'daemon'];

let world: CliWorld;

beforeAll(async () => {
  world = await openCliWorld();
});

afterAll(async () => {
  await world.close();
});

describe('usage errors', () => {
  const cases: Array<[string, string[], string]> = [
    ['an unknown option', ['sync', '--dry-rn'], "unknown option '--dry-rn'"],
    ['an output format that does not exist', ['sync', '--output', 'yaml'], "'yaml' is invalid"],
    ['a concurrency out of bounds', ['sync', '--concurrency', '0'], 'expected a whole number from 1 to 64'],
    [
      'a percentage out of bounds',
      ['sync', '--max-delete-percent', '150'],
      'expected a percentage from 0 to 100',
    ],
    ['--plan with --plan-out', ['sync', '--plan', 'a.json', '--plan-out', 'b.json'], 'use one of them'],
    ['an unknown command', ['synk'], "unknown command 'synk'"],
    ['an unknown option of auth', ['auth', '--url'], "unknown option '--url'"],
    ['an output format auth does not have', ['auth', '-o', 'markdown'], "'markdown' is invalid"],
    // a blank list is never "every name" (scope) nor "nothing" (protect): it is a mistake
    ['a blank --scope', ['sync', '--scope', ' '], 'blank'],
    ['an empty --scope=', ['sync', '--scope='], 'blank'],
    ['a blank --protect', ['sync', '--protect', ''], 'blank'],
    ['a blank --scope of daemon', ['daemon', '--scope', ''], 'blank'],
    ['a blank --scope of auth', ['auth', '--scope', ' '], 'blank'],
    ['a blank --protect of export', ['export', 'out', '--protect', ''], 'blank'],
    ['an empty --push-secrets=', ['sync', '--push-secrets='], 'blank'],
    ['a blank entry in --push-secrets', ['sync', '--push-secrets', 'a,,b'], 'blank'],
    ['a trailing comma in --push-secrets', ['sync', '--push-secrets', 'a, '], 'blank'],
    ['a blank path of sync', ['sync', 'connectors', ''], 'blank'],
    ['a blank path of validate', ['validate', ' '], 'blank'],
    ['a blank folder of export', ['export', ''], 'blank'],
    // a pattern that can match nothing is a typo, not "no connector"
    ['an unclosed [ in --scope', ['sync', '--scope', '['], "'[' has a [ without its ]"],
    ['an unclosed [ in --protect of auth', ['auth', '--protect', 'team-[ab'], 'without its ]'],
    ['a schedule that is not cron', ['daemon', '--schedule', 'every minute'], 'is not a cron expression'],
  ];

  test.each(cases)('%s exits 2 and makes no request', async (_, args, message) => {
    world.emulator.clearRequestLog();
    const run = await world.run(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(world.emulator.requestLog).toHaveLength(0);
  });

  test.each(cases)('%s exits 64 with --detailed-exitcode', async (_, args) => {
    const run = await world.run([...args, '--detailed-exitcode']);
    expect(run.code, run.stderr).toBe(64);
  });

  test('an error that is not a usage error stays 1 with --detailed-exitcode', async () => {
    const noKey = await world.run(['sync', '--dry-run', '--detailed-exitcode'], {
      MISTRAL_API_KEY: undefined,
    });
    expect(noKey.code).toBe(1);
  });
});

describe('help', () => {
  test('the program prints its commands and exits 0', async () => {
    const run = await world.run(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: connector-sync');
    for (const command of COMMANDS) expect(run.stdout).toContain(command);
  });

  test.each(COMMANDS)('%s --help exits 0 and shows its usage', async (command) => {
    for (const args of [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
      [command, '--help', '--detailed-exitcode'],
    ]) {
      const run = await world.run(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout, args.join(' ')).toContain(`Usage: connector-sync ${command}`);
    }
  });

  test.each(COMMANDS)('%s --help shows no empty list as a default', async (command) => {
    const { stdout } = await world.run([command, '--help']);
    expect(stdout).not.toContain('(default: [])');
  });

  test('--version prints the version and exits 0', async () => {
    const run = await world.run(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('sync --help names every flag of the issue', async () => {
    const { stdout } = await world.run(['sync', '--help']);
    for (const flag of [
      '--dry-run',
      '--prune',
      '--allow-empty',
      '--detailed-exitcode',
      '--output',
      '--api-url',
      '--concurrency',
      '--plan-out',
      '--plan ',
      '--auth-urls',
      '--auth-return-url',
      '--fail-on-pending-auth',
      '--emulator',
      '--push-secrets',
      '--allow-replace',
      '--force-deletes',
      '--scope',
      '--protect',
    ]) {
      expect(stdout).toContain(flag);
    }
  });
});
