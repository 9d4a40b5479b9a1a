/**
 * The Action's `env` input: one name, a comma-separated list or `all`, each passed as `--env`;
 * unset, no `--env` at all. And the example workflows of examples/workflows/ use only inputs the
 * action declares, the way the README shows them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionArgv, environmentArgs } from '../../src/cli/action.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLES = join(ROOT, 'examples', 'workflows');
// biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, as the examples write it
const MATRIX_ENV = '${{ matrix.env }}';

describe('the env input', () => {
  it('passes one name, each name of a list, or all, as --env before the args and paths', () => {
    const base = { INPUT_MODE: 'plan', INPUT_ARGS: '--scope team-*', INPUT_PATHS: 'connectors' };
    expect(actionArgv({ ...base, INPUT_ENV: 'staging' })).toEqual([
      'sync',
      '--detailed-exitcode',
      '--dry-run',
      '--env',
      'staging',
      '--scope',
      'team-*',
      'connectors',
    ]);
    // one --env with the list: sync's --env takes one value, and a second would replace the first
    expect(environmentArgs(' staging , prod ')).toEqual(['--env', 'staging,prod']);
    expect(environmentArgs('all')).toEqual(['--env', 'all']);
  });

  it('sets nothing when unset or blank, so a settings file without environments keeps working', () => {
    expect(actionArgv({ INPUT_MODE: 'sync', INPUT_ENV: '  ' })).toEqual(['sync', '--detailed-exitcode']);
    expect(actionArgv({ INPUT_MODE: 'sync' })).not.toContain('--env');
  });

  it('refuses a blank entry (a stray comma, an unset matrix value) instead of reading it as all', () => {
    for (const input of ['staging,', ',prod', 'staging,,prod', ' , '])
      expect(() => actionArgv({ INPUT_MODE: 'plan', INPUT_ENV: input })).toThrow(/env input .* blank entry/);
  });

  it('is declared in action.yml, with no default (unset sets nothing)', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string; description: string }>;
    };
    expect(action.inputs.env).toBeDefined();
    expect(action.inputs.env!.default).toBeUndefined();
    expect(action.inputs.env!.description).toMatch(/comma-separated/);
  });
});

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<
    string,
    {
      strategy?: { matrix?: { env?: string[] } };
      steps: Array<{ uses?: string; with?: Record<string, string | boolean>; env?: Record<string, string> }>;
    }
  >;
}

async function examples(): Promise<Map<string, Workflow>> {
  const files = (await readdir(EXAMPLES)).filter((file) => file.endsWith('.yml')).sort();
  const out = new Map<string, Workflow>();
  for (const file of files) out.set(file, parse(await readFile(join(EXAMPLES, file), 'utf8')) as Workflow);
  return out;
}

/** The action's step of a job, and the INPUT_ variables the runner would set for a matrix value. */
function actionStep(job: Workflow['jobs'][string]) {
  const step = job.steps.find((s) => s.uses?.startsWith('connector-sync/connector-sync@'));
  expect(step, 'a step uses the action').toBeDefined();
  return step!;
}

function inputsFor(step: { with?: Record<string, string | boolean> }, matrixEnv: string, event: string) {
  const env: Record<string, string> = {};
  for (const [name, raw] of Object.entries(step.with ?? {})) {
    let value = String(raw).replace(MATRIX_ENV, matrixEnv);
    // the one expression the examples use for the mode
    if (value.includes("github.event_name == 'pull_request'"))
      value = event === 'pull_request' ? 'plan' : 'sync';
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return env;
}

describe('the example workflows', () => {
  it('use only inputs action.yml declares', async () => {
    const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const all = await examples();
    expect([...all.keys()]).toEqual(['connectors-environments.yml', 'connectors-plan-all.yml']);
    for (const [file, workflow] of all)
      for (const job of Object.values(workflow.jobs))
        for (const name of Object.keys(actionStep(job).with ?? {}))
          expect(Object.keys(action.inputs), `${file}: input ${name}`).toContain(name);
  });

  it('give each environment its key the way environments read it: the variable api_key_env names, not api-key', async () => {
    for (const [file, workflow] of await examples())
      for (const job of Object.values(workflow.jobs)) {
        const step = actionStep(job);
        expect(step.with?.['api-key'], `${file}: api-key is not read with env`).toBeUndefined();
        expect(Object.keys(step.env ?? {}), file).toEqual([
          'MISTRAL_API_KEY_STAGING',
          'MISTRAL_API_KEY_PROD',
        ]);
      }
  });

  it('run one job per environment that plans on a pull request and syncs on merge', async () => {
    const workflow = (await examples()).get('connectors-environments.yml')!;
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    const job = Object.values(workflow.jobs)[0]!;
    const envs = job.strategy?.matrix?.env ?? [];
    expect(envs.length).toBeGreaterThan(1);
    for (const env of envs) {
      const step = actionStep(job);
      expect(actionArgv(inputsFor(step, env, 'pull_request'))).toEqual([
        'sync',
        '--detailed-exitcode',
        '--dry-run',
        '--env',
        env,
      ]);
      expect(actionArgv(inputsFor(step, env, 'push'))).toEqual(['sync', '--detailed-exitcode', '--env', env]);
    }
  });

  it('plan every environment on a pull request, as a dry run, in one comment', async () => {
    const workflow = (await examples()).get('connectors-plan-all.yml')!;
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toMatchObject({ 'pull-requests': 'write' });
    const step = actionStep(Object.values(workflow.jobs)[0]!);
    expect(step.with).toMatchObject({ env: 'all', mode: 'plan', comment: true });
    expect(actionArgv(inputsFor(step, '', 'pull_request'))).toEqual([
      'sync',
      '--detailed-exitcode',
      '--dry-run',
      '--env',
      'all',
    ]);
  });
});
