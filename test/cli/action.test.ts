/**
 * The GitHub Action: its inputs reach `connector-sync sync` as written (no glob, no word-splitting
 * surprise), and a mode other than plan or sync stops the step before anything runs. The last
 * tests run action.yml's own `run:` script under bash, as the runner does, against the built CLI.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionArgv, splitWords } from '../../src/cli/action.js';
import { buildCli, NODE } from '../daemon/built-cli.js';
import { API_KEY, type CliWorld, openCliWorld } from './harness.js';

describe('splitWords', () => {
  it('splits on spaces and newlines and never expands a pattern', () => {
    expect(splitWords(' --scope team-*\n--protect  "keep *" \t$HOME ', 'args')).toEqual([
      '--scope',
      'team-*',
      '--protect',
      'keep *',
      '$HOME',
    ]);
  });

  it('takes quotes and backslashes as a shell does', () => {
    expect(splitWords(`'a "b"' "c \\"d\\" \\\\" e\\ f '' x"y"z`, 'args')).toEqual([
      'a "b"',
      'c "d" \\',
      'e f',
      '',
      'xyz',
    ]);
  });

  it('refuses an unclosed quote, naming the input', () => {
    expect(() => splitWords(`--scope 'team-*`, 'args')).toThrow(/args input has an unclosed ' quote/);
  });
});

describe('actionArgv', () => {
  it('plans with --dry-run, syncs without, and passes args before paths', () => {
    const env = { INPUT_ARGS: '--scope team-*', INPUT_PATHS: 'connectors more' };
    expect(actionArgv({ ...env, INPUT_MODE: 'plan' })).toEqual([
      'sync',
      '--detailed-exitcode',
      '--dry-run',
      '--scope',
      'team-*',
      'connectors',
      'more',
    ]);
    expect(actionArgv({ ...env, INPUT_MODE: 'sync' })).not.toContain('--dry-run');
  });

  it('refuses any other mode', () => {
    for (const mode of ['dry-run', 'apply', 'Plan', '', undefined]) {
      expect(() => actionArgv({ INPUT_MODE: mode })).toThrow(/must be plan .* or sync/);
    }
  });
});

const ROOT = resolve(import.meta.dirname, '../..');

interface Step {
  id?: string;
  env: Record<string, string>;
  run: string;
}

interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  output: string | null;
}

/**
 * Runs the `run` step of action.yml the way the runner does: its env with the inputs (defaults
 * from action.yml) substituted, GITHUB_ACTION_PATH and GITHUB_OUTPUT set, `bash -e -o pipefail`.
 */
async function runActionStep(
  actionPath: string,
  cwd: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<StepRun> {
  const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Step[] };
  };
  const step = action.runs.steps.find((s) => s.id === 'run')!;
  // the runner pastes expressions into the script before bash reads it; an input never may be
  expect(step.run).not.toMatch(/\$\{\{\s*inputs\./);
  const script = step.run.replace(/\$\{\{ github\.action_path \}\}/g, actionPath);
  const value = (expression: string) => {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expression)?.[1];
    if (input === undefined) return expression;
    const raw = inputs[input] ?? action.inputs[input]?.default ?? '';
    return raw.replace(/\$\{\{ runner\.temp \}\}/, join(cwd, '.runner-temp'));
  };
  const output = join(cwd, '.github-output');
  await rm(output, { force: true });
  const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, value(v)]));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      {
        cwd,
        env: {
          PATH: `${dirname(NODE)}:${process.env.PATH ?? ''}`,
          HOME: cwd,
          GITHUB_ACTION_PATH: actionPath,
          GITHUB_OUTPUT: output,
          ...stepEnv,
          ...env,
        },
      },
    );
    return { code: 0, stdout, stderr, output: await readOutput(output) };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { ...failed, output: await readOutput(output) };
  }
}

async function readOutput(file: string): Promise<string | null> {
  return existsSync(file) ? readFile(file, 'utf8') : null;
}

describe('action.yml under bash', () => {
  let actionPath: string;
  let world: CliWorld;

  beforeAll(async () => {
    actionPath = dirname(dirname(await buildCli()));
    world = await openCliWorld([
      { name: 'team-old', description: 'Old', server: 'https://old.example.com/mcp' },
      { name: 'team-keep', description: 'Kept', server: 'https://keep.example.com/mcp' },
      { name: 'ops-tool', description: 'Not ours', server: 'https://ops.example.com/mcp' },
    ]);
    // the repository has a file the patterns would match as shell globs
    await writeFile(join(world.cwd, 'team-notes.md'), '# notes\n');
    await mkdir(join(world.cwd, 'connectors'));
    await writeFile(
      join(world.cwd, 'connectors', 'team-new.yaml'),
      'name: team-new\ndescription: New\nserver: https://new.example.com/mcp\n',
    );
  }, 120_000);

  afterAll(async () => {
    await world?.close();
  });

  const inputs = () => ({ 'api-key': API_KEY, 'api-url': world.emulator.url });

  it('passes --scope team-* and --protect team-keep* as patterns, not as the file they match', async () => {
    const run = await runActionStep(
      actionPath,
      world.cwd,
      { ...inputs(), prune: 'true', args: `--scope team-* --protect 'team-keep*' --output json` },
      {},
    );
    const report = JSON.parse(run.stdout) as { plan: { operations: Array<{ kind: string; name: string }> } };
    expect(report.plan.operations.map((op) => `${op.kind}:${op.name}`).sort()).toEqual([
      'create:team-new',
      'delete:team-old',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "Running: connector-sync sync --detailed-exitcode --dry-run --scope 'team-*' --protect 'team-keep*' --output json connectors",
    );
    expect(run.output).toBe('changes=true\n');
    expect(`${run.stdout}${run.stderr}`).not.toContain(API_KEY);
  });

  it('stops a mode that is neither plan nor sync before anything runs', async () => {
    const before = world.emulator.store.size;
    const requests = world.emulator.requestLog.length;
    const run = await runActionStep(actionPath, world.cwd, { ...inputs(), mode: 'dry-run' }, {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: the mode input is "dry-run": it must be plan');
    expect(run.stderr).toContain('::error title=connector-sync::the mode input is');
    expect(run.stderr).not.toContain('Running:');
    expect(run.output).toBeNull();
    expect(world.emulator.store.size).toBe(before);
    expect(world.emulator.requestLog.length).toBe(requests);
  });
});
