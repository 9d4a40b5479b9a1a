// biome-ignore-all lint/suspicious/noTemplateCurlyInString: connector-file text, where ${env:...} is the syntax under test
/**
 * `--env` on every command that talks to a workspace: the key comes from the environment's
 * api_key_env / api_key_file (never MISTRAL_API_KEY), its settings apply, its state lives apart,
 * and a saved plan stays with the environment it was made for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveEnvironmentKey } from '../../src/api/credentials.js';
import { checkPlanEnvironment, type SavedPlan } from '../../src/reconcile/saved-plan.js';
import { API_KEY, type CliWorld, openCliWorld } from './harness.js';

const SETTINGS = `environments:
  ops:
    api_key_env: OPS_KEY
    scope: [team-*]
  files:
    api_key_file: conf/ops.key
    scope: [team-*]
`;

let world: CliWorld;

beforeAll(async () => {
  world = await openCliWorld([
    { name: 'team-a', description: 'A', server: 'https://a.example.com/mcp' },
    { name: 'other', description: 'Other', server: 'https://other.example.com/mcp' },
  ]);
  await writeFile(join(world.cwd, '.connector-sync.yaml'), SETTINGS);
  await mkdir(join(world.cwd, 'conf'));
  await writeFile(join(world.cwd, 'conf', 'ops.key'), `${API_KEY}\n`);
});

afterAll(() => world.close());

// MISTRAL_API_KEY names another workspace's key: with --env it is never used
const otherKey = { MISTRAL_API_KEY: 'key-of-another-workspace' };

describe('--env on auth and export', () => {
  test('auth reads the key from the environment’s variable, not MISTRAL_API_KEY', async () => {
    const run = await world.run(['auth', '--env', 'ops'], { ...otherKey, OPS_KEY: API_KEY });
    expect(run.code, run.stderr).toBe(0);
  });

  test('a missing key names the variable the environment reads, and nothing is sent', async () => {
    const before = world.emulator.requestLog.length;
    const run = await world.run(['auth', '--env', 'ops'], otherKey);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no API key for environment ops: OPS_KEY (its api_key_env) is not set');
    expect(world.emulator.requestLog.length).toBe(before);
  });

  test('export takes the key from a file relative to the settings file, and the environment’s scope', async () => {
    const run = await world.run(['export', 'out', '--env', 'files'], otherKey);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(world.cwd, 'out', 'team-a.yaml'))).toBe(true);
    expect(existsSync(join(world.cwd, 'out', 'other.yaml'))).toBe(false);
  });

  test('CONNECTOR_SYNC_ENV selects the environment when --env is absent', async () => {
    const run = await world.run(['auth', '--output', 'json'], { ...otherKey, CONNECTOR_SYNC_ENV: 'files' });
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('--env mistakes are usage errors', () => {
  test.each([
    [['daemon', '--env', 'ops,files'], 'this command works on one environment at a time'],
    [['auth', '--env', 'all'], 'this command works on one environment at a time'],
    [['probe', '--env', 'opps'], '--env opps: no such environment (did you mean ops?)'],
    [['sync', '--env', 'ops,', '--dry-run'], 'has a blank name'],
    [['sync', '--env', 'all', '--plan-out', 'p.json'], 'a saved plan is for one environment'],
  ])('%j', async (args, message) => {
    const run = await world.run(args, { OPS_KEY: API_KEY });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('state per environment', () => {
  test('the secret ledger of an environment lives in <state_dir>/env/<name>/', async () => {
    await mkdir(join(world.cwd, 'connectors'), { recursive: true });
    await writeFile(
      join(world.cwd, 'connectors', 'team-b.yaml'),
      'name: team-b\ndescription: B\nserver: https://b.example.com/mcp\nheaders:\n  X-Token: ${env:B_TOKEN}\n',
    );
    const run = await world.run(['sync', '--env', 'ops'], {
      OPS_KEY: API_KEY,
      B_TOKEN: 'canary-b-token-1f2e3d',
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(existsSync(join(world.cwd, '.state', 'env', 'ops', 'fingerprint.key'))).toBe(true);
    expect(existsSync(join(world.cwd, '.state', 'fingerprint.key'))).toBe(false);
  });
});

describe('--emulator with environments', () => {
  test('each environment gets its own embedded workspace, and needs no key', async () => {
    const run = await world.run(['sync', '--emulator', '--env', 'all'], { B_TOKEN: 'canary-b-token-1f2e3d' });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('Environments: ops ok, files ok');
    for (const name of ['ops', 'files'])
      expect(existsSync(join(world.cwd, '.connector-sync', 'env', name, 'emulator-state.json'))).toBe(true);
  });
});

describe('validate --output json with environments', () => {
  test('one section per environment, valid against validate-output.schema.json', async () => {
    const run = await world.run(['validate', '--output', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { environments: Array<{ name: string }> };
    expect(document.environments.map((e) => e.name)).toEqual(['ops', 'files']);
    const schema = JSON.parse(
      await readFile(new URL('../../schemas/validate-output.schema.json', import.meta.url), 'utf8'),
    );
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('the key of an environment', () => {
  test('a key with spaces is refused without being shown', () => {
    const error = (() => {
      try {
        resolveEnvironmentKey('ops', { env: 'K' }, { K: 'canary key with spaces' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain('K (api_key_env of environment ops)');
    expect(error?.message).not.toContain('canary');
  });

  test('an unreadable key file names the path as written', () => {
    expect(() =>
      resolveEnvironmentKey('prod', { file: '/nowhere/prod.key', written: 'secrets/prod.key' }, {}),
    ).toThrow(/cannot read the API key file secrets\/prod\.key \(api_key_file of environment prod\)/);
  });
});

describe('the key of an environment, from hostile places', () => {
  test('a variable named like an inherited property is not set, never an internal error', () => {
    for (const name of ['toString', 'constructor', '__proto__'])
      expect(() => resolveEnvironmentKey('ops', { env: name }, { ...process.env }), name).toThrow(
        new RegExp(`${name} \\(its api_key_env\\) is not set`),
      );
  });

  test('a key file that is a device, a FIFO or too large is refused unread, and a small one is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-file-'));
    const fifo = join(dir, 'fifo');
    spawnSync('mkfifo', [fifo]);
    const big = join(dir, 'big');
    writeFileSync(big, 'k'.repeat(65 * 1024));
    const small = join(dir, 'small');
    writeFileSync(small, 'Abcdefghijklmnopqrstuvwxyz123456\n');
    for (const [path, code] of [
      ['/dev/zero', 'ENOTREG'],
      [fifo, 'ENOTREG'],
      [big, 'EFBIG'],
    ] as const)
      expect(() => resolveEnvironmentKey('prod', { file: path, written: 'k' }, {}), path).toThrow(
        `(${code})`,
      );
    expect(resolveEnvironmentKey('prod', { file: small, written: 'k' }, {}).reveal()).toBe(
      'Abcdefghijklmnopqrstuvwxyz123456',
    );
  });
});

describe('a saved plan and its environment', () => {
  const plan = (environment?: string) => ({ ...(environment ? { environment } : {}) }) as SavedPlan;

  test('applies only to the environment it was made for', () => {
    expect(() => checkPlanEnvironment(plan('staging'), 'p.json', 'staging')).not.toThrow();
    expect(() => checkPlanEnvironment(plan(), 'p.json', undefined)).not.toThrow();
  });

  test.each([
    ['staging', 'prod', 'made for environment "staging", and this run has --env prod'],
    ['staging', undefined, 'made for environment "staging", and this run has no --env'],
    [undefined, 'prod', 'made for no environment, and this run has --env prod'],
  ])('made for %s, applied with %s: refused', (made, given, message) => {
    expect(() => checkPlanEnvironment(plan(made), 'p.json', given)).toThrow(
      expect.objectContaining({ code: 'PLAN_OTHER_ENVIRONMENT', message: expect.stringContaining(message) }),
    );
  });
});
