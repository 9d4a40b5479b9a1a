/**
 * `connector-sync diff --env A --env B`: exactly two environments, exit 0 equivalent, 1 differ,
 * 2 trouble (as diff(1)), and never a write.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: connector-file text, where ${var:...} is the syntax
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SeedConnector } from '../../src/emulator/index.js';
import { schemaProblems } from '../support/scenario-schemas.js';
import { startWorkspaces, type Workspaces } from '../support/workspaces.js';
import { type CliWorld, openCliWorld, writesOf } from './harness.js';

const CANARY = 'canary-diff-header-value-77d1e0';

const settings = (prodPaths: string) => `environments:
  staging:
    api_key_env: MISTRAL_API_KEY_STAGING
    paths: [connectors]
    vars: { host: staging.example.com }
  prod:
    api_key_env: MISTRAL_API_KEY_PROD
    paths: [${prodPaths}]
    vars: { host: example.com }
`;

const GITHUB = `name: team-github
description: GitHub on \${var:host}
server: https://mcp.\${var:host}/github
headers:
  Authorization: Bearer \${env:GITHUB_TOKEN}
`;

/** A repository with two environments: the same connector, and one more in prod only (or not). */
async function repository(cwd: string, prodOnly: boolean): Promise<void> {
  await mkdir(join(cwd, 'connectors'), { recursive: true });
  await mkdir(join(cwd, 'prod-only'), { recursive: true });
  await writeFile(
    join(cwd, '.connector-sync.yaml'),
    settings(prodOnly ? 'connectors, prod-only' : 'connectors'),
  );
  await writeFile(join(cwd, 'connectors', 'github.yaml'), GITHUB);
  await writeFile(
    join(cwd, 'prod-only', 'pager.yaml'),
    'name: pager\ndescription: Paging\nserver: https://pager.example.com/mcp\n',
  );
}

let world: CliWorld;
beforeAll(async () => {
  world = await openCliWorld();
});
afterAll(async () => {
  await world.close();
});

describe('diff usage', () => {
  it('wants exactly two different environments, else exit 2 and nothing read', async () => {
    for (const args of [
      [],
      ['--env', 'staging'],
      ['--env', 'a', '--env', 'b', '--env', 'c'],
      ['--env', 'prod', '--env', 'prod'],
      ['--env', 'all', '--env', 'prod'],
      ['--env', 'staging,'],
      ['--env', 'a,b,c'],
    ]) {
      const run = await world.run(['diff', '--offline', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/error: diff compares (exactly two|two different|two) environments/);
      expect(run.stderr).toContain('hint: ');
      expect(run.stdout).toBe('');
    }
    expect(world.emulator.requestLog).toEqual([]);
  });

  it('names the environments there are when one is unknown (exit 2)', async () => {
    await repository(world.cwd, false);
    const run = await world.run(['diff', '--offline', '--env', 'staging', '--env', 'prdo']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error: --env prdo: no such environment; the settings file declares: staging, prod',
    );
  });

  it('refuses an unknown output format as a usage error', async () => {
    const run = await world.run(['diff', '--env', 'a', '--env', 'b', '-o', 'yaml']);
    expect(run.code).toBe(2);
  });
});

describe('diff --offline (as declared)', () => {
  it('exits 0 when the only differences are the ones the vars explain, and reads no workspace', async () => {
    await repository(world.cwd, false);
    const run = await world.run(['diff', '--offline', '--env', 'staging', '--env', 'prod'], {
      GITHUB_TOKEN: CANARY,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('~ team-github: differs as the vars say');
    expect(run.stdout).toContain(
      'server: https://mcp.staging.example.com/github | https://mcp.example.com/github (expected: ${var:host})',
    );
    expect(run.stdout).toContain('As they are (staging vs prod): not compared (--offline)');
    expect(run.stdout).not.toContain(CANARY.slice(0, 12));
    expect(world.emulator.requestLog).toEqual([]);
  });

  it('exits 1 when a connector is declared in one environment only, in every format', async () => {
    await repository(world.cwd, true);
    const args = ['diff', '--offline', '--env', 'staging', '--env', 'prod'];
    const text = await world.run(args);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('> pager: only in prod');
    const json = await world.run([...args, '-o', 'json']);
    expect(json.code).toBe(1);
    expect(schemaProblems('diff-output', JSON.parse(json.stdout))).toEqual([]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      version: 1,
      environments: ['staging', 'prod'],
      equivalent: false,
      declared: { counts: { 'only-b': 1, differs: 1 } },
      remote: null,
    });
    const markdown = await world.run([...args, '-o', 'markdown']);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('| `pager` | only in prod |');
  });

  it("exits 2, with the file and line, when an environment's files are invalid", async () => {
    await repository(world.cwd, true);
    await writeFile(
      join(world.cwd, 'prod-only', 'pager.yaml'),
      'name: pager\ndescription: x\nserver: ${var:nope}\n',
    );
    const run = await world.run(['diff', '--offline', '--env', 'staging', '--env', 'prod']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the connector files of prod are invalid');
    expect(run.stderr).toMatch(/prod-only\/pager\.yaml:3:/);
    expect(run.stdout).toBe('');
  });
});

describe('diff (as they are): two workspaces, each read with its own key', () => {
  const STAGING_KEY = 'canary-staging-key-31c9a2e4';
  const PROD_KEY = 'canary-prod-key-8be04d17';
  const github = (host: string): SeedConnector => ({
    name: 'team-github',
    description: `GitHub on ${host}`,
    server: `https://mcp.${host}/github`,
    global_headers: { Authorization: { value: CANARY, is_secret: true } },
  });
  let workspaces: Workspaces;
  const keys = { MISTRAL_API_KEY_STAGING: STAGING_KEY, MISTRAL_API_KEY_PROD: PROD_KEY };

  async function diff(
    prodSeed: SeedConnector[],
    args: string[] = [],
    env: Record<string, string | undefined> = keys,
  ) {
    workspaces = await startWorkspaces({
      [STAGING_KEY]: [github('staging.example.com')],
      [PROD_KEY]: prodSeed,
    });
    await repository(world.cwd, false);
    const run = await world.run(['diff', '--env', 'staging', '--env', 'prod', ...args], {
      MISTRAL_API_URL: workspaces.url,
      MISTRAL_API_KEY: undefined,
      ...env,
    });
    for (const out of [run.stdout, run.stderr])
      for (const secret of [CANARY, STAGING_KEY, PROD_KEY]) expect(out).not.toContain(secret.slice(0, 12));
    return run;
  }

  afterEach(async () => {
    await workspaces?.close();
  });

  it('exits 0 when the workspaces differ only as the vars say, and writes nothing to either', async () => {
    const run = await diff([github('example.com')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'As they are (staging vs prod): 0 same, 1 differ, 0 only in staging, 0 only in prod',
    );
    const [staging, prod] = [workspaces.byKey.get(STAGING_KEY)!, workspaces.byKey.get(PROD_KEY)!];
    for (const emulator of [staging, prod]) {
      expect(emulator.requestLog.length).toBeGreaterThan(0);
      expect(writesOf(emulator)).toEqual([]);
    }
  });

  it('exits 1 and shows what only one workspace has, or has otherwise', async () => {
    const handMade = {
      name: 'hand-made',
      description: 'made in the UI',
      server: 'https://x.example.com/mcp',
    };
    const run = await diff(
      [{ ...github('example.com'), title: 'Edited in the UI' }, handMade],
      ['-o', 'json'],
    );
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(schemaProblems('diff-output', json)).toEqual([]);
    expect(json.declared.counts).toMatchObject({ differs: 1, same: 0 });
    expect(json.remote.connectors).toEqual([
      { name: 'hand-made', status: 'only-b', expected: false, fields: [] },
      {
        name: 'team-github',
        status: 'differs',
        expected: false,
        fields: [
          {
            field: 'description',
            a: 'GitHub on staging.example.com',
            b: 'GitHub on example.com',
            vars: ['host'],
          },
          {
            field: 'server',
            a: 'https://mcp.staging.example.com/github',
            b: 'https://mcp.example.com/github',
            vars: ['host'],
          },
          { field: 'title', a: null, b: 'Edited in the UI' },
        ],
      },
    ]);
    for (const emulator of workspaces.byKey.values()) expect(writesOf(emulator)).toEqual([]);
  });

  it("exits 2, before any request, when an environment's key variable is not set", async () => {
    const run = await diff([github('example.com')], [], { MISTRAL_API_KEY_STAGING: STAGING_KEY });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error: no API key for environment prod: MISTRAL_API_KEY_PROD (its api_key_env) is not set',
    );
    for (const emulator of workspaces.byKey.values()) expect(emulator.requestLog).toEqual([]);
  });
});
